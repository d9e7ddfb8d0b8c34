/** The characters of RFC 3986 (unreserved and reserved), or a percent-encoded octet. */
const URI_CHARACTERS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/;
/** What comes before the first `:` when no `/`, `?` or `#` comes first: the scheme of an absolute URI. */
const SCHEME_PART = /^([^/?#:]*):/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/**
 * True for a URI reference of RFC 3986 (what CloudEvents' `source` is): only its characters, `%` only before two
 * hex digits, and a valid scheme when it names one (a relative reference's first segment holds no `:`).
 */
export function isUriReference(text: string): boolean {
  if (!URI_CHARACTERS.test(text)) return false;
  const scheme = SCHEME_PART.exec(text)?.[1];
  return scheme === undefined || SCHEME.test(scheme);
}
