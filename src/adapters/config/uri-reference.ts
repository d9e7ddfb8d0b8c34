import { isIPv6 } from 'node:net';

// The grammar of RFC 3986 §3 and §4.1, part by part.
const PCT_ENCODED = '%[0-9A-Fa-f]{2}';
const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT_ENCODED})`;
const SEGMENT = `${PCHAR}*`;
const SEGMENT_NZ = `${PCHAR}+`;
/** A first segment of a relative reference: no `:`, which would make it a scheme. */
const SEGMENT_NZ_NC = `(?:[${UNRESERVED}${SUB_DELIMS}@]|${PCT_ENCODED})+`;
const QUERY_OR_FRAGMENT = `(?:${PCHAR}|[/?])*`;
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT_ENCODED})*`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT_ENCODED})*`;
/** An IP literal's inside is checked apart (see isUriReference). */
const IP_LITERAL = '\\[([^\\]/?#@]*)\\]';
const AUTHORITY = `(?:${USERINFO}@)?(?:${IP_LITERAL}|${REG_NAME})(?::[0-9]*)?`;
const PATH_ABEMPTY = `(?:/${SEGMENT})*`;
const PATH_ABSOLUTE = `/(?:${SEGMENT_NZ}(?:/${SEGMENT})*)?`;
const HIER_PART = `(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${SEGMENT_NZ}(?:/${SEGMENT})*|)`;
const RELATIVE_PART = `(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${SEGMENT_NZ_NC}(?:/${SEGMENT})*|)`;
const SCHEME = '[A-Za-z][A-Za-z0-9+.\\-]*';
const URI_REFERENCE = new RegExp(
  `^(?:${SCHEME}:${HIER_PART}|${RELATIVE_PART})(?:\\?${QUERY_OR_FRAGMENT})?(?:#${QUERY_OR_FRAGMENT})?$`,
);
const IP_FUTURE = new RegExp(`^v[0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+$`);

/**
 * True for a URI reference of RFC 3986 (what CloudEvents' `source` is): an absolute URI or a relative reference,
 * each part in its own grammar (a `#` only before the fragment, `%` only before two hex digits, brackets only
 * around an IP literal of the authority, a relative reference's first segment without `:`).
 */
export function isUriReference(text: string): boolean {
  const match = URI_REFERENCE.exec(text);
  if (match === null) return false;
  const ipLiterals = match.slice(1).filter((part) => part !== undefined);
  return ipLiterals.every((inside) => isIPv6(inside) || IP_FUTURE.test(inside));
}
