import type { Context } from 'koa';
import type { FieldProblem } from '../../domain/index.js';

/** A `%` not followed by two hex digits. */
const BROKEN_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

const MESSAGE =
  'must be percent-encoded UTF-8 (a % without two hex digits, or bytes that are not UTF-8, are refused, never replaced by U+FFFD)';

/**
 * The parameters of a query whose name or value is not percent-encoded UTF-8, each a problem naming it (by its
 * name as sent when that is what is broken, by the whole pair when it has no name). The query parser reads `%ZZ`
 * as those three characters and bytes that are not UTF-8 (`%FF`, an encoded surrogate) as U+FFFD, so such a
 * parameter would be taken as another value than the one sent; it is refused instead, as a request body that is
 * not UTF-8 is.
 */
export function queryEncodingProblems(querystring: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!querystring.includes('%')) return problems;
  for (const pair of querystring.split('&')) {
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const value = equals < 0 ? '' : pair.slice(equals + 1);
    const decodedName = decoded(name);
    if (decodedName === undefined || decoded(value) === undefined) {
      const field = decodedName === undefined ? name : decodedName === '' ? pair : decodedName;
      if (!problems.some((problem) => problem.field === field)) problems.push({ field, message: MESSAGE });
    }
  }
  return problems;
}

/** The text `part` of a query spells, or undefined when it is not percent-encoded UTF-8. */
function decoded(part: string): string | undefined {
  const plain = part.replaceAll('+', ' ');
  if (BROKEN_ESCAPE.test(plain)) return undefined;
  try {
    return decodeURIComponent(plain);
  } catch {
    return undefined;
  }
}

/**
 * The one value of parameter `name`, undefined when the query lacks it, a problem when it gives it more than once:
 * which of the values was meant is not known, so none is taken.
 */
export function queryValue(ctx: Context, name: string): string | undefined | FieldProblem {
  const raw = ctx.query[name];
  return Array.isArray(raw) ? { field: name, message: 'must be given once' } : raw;
}
