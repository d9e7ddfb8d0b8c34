/** A token (RFC 9110 §5.6.2), a quoted-string (§5.6.4) and the whitespace around a parameter's `;` (§5.6.3). */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED_STRING = '"(?:[\\t !#-\\[\\]-~\\x80-\\xff]|\\\\[\\t -~\\x80-\\xff])*"';
const TYPE_AND_SUBTYPE = new RegExp(`^(${TOKEN})/(${TOKEN})`, 'y');
const PARAMETER = new RegExp(`[ \\t]*;[ \\t]*(?:(${TOKEN})=(${TOKEN}|${QUOTED_STRING}))?`, 'y');

export interface MediaType {
  /** The type and subtype in lower case, e.g. `application/json`. */
  essence: string;
  /** Each parameter as written, in order; a name may come more than once. Quoted values are unquoted. */
  parameters: ReadonlyArray<readonly [name: string, value: string]>;
}

/**
 * A Content-Type as RFC 9110 §8.3.1 writes it: `type/subtype`, then parameters, each after a `;` (an empty one,
 * as in a trailing `;`, is allowed). Undefined when the header is not one, so that no part of it is guessed at.
 */
export function parseMediaType(header: string): MediaType | undefined {
  TYPE_AND_SUBTYPE.lastIndex = 0;
  const essence = TYPE_AND_SUBTYPE.exec(header);
  if (essence === null) return undefined;
  const parameters: Array<[string, string]> = [];
  let position = TYPE_AND_SUBTYPE.lastIndex;
  while (position < header.length) {
    PARAMETER.lastIndex = position;
    const parameter = PARAMETER.exec(header);
    if (parameter === null) return /^[ \t]*$/.test(header.slice(position)) ? result() : undefined;
    if (parameter[1] !== undefined) parameters.push([parameter[1], unquoted(parameter[2]!)]);
    position = PARAMETER.lastIndex;
  }
  return result();

  function result(): MediaType {
    return { essence: `${essence![1]}/${essence![2]}`.toLowerCase(), parameters };
  }
}

function unquoted(value: string): string {
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}
