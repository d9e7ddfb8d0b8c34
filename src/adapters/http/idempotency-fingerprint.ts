import { createHash } from 'node:crypto';

/**
 * The fingerprint an Idempotency-Key is bound to: `<method> <resource> <digest>`, where the resource is the
 * route's path without its mount (`/campaigns/42/modify`, the same under /api/v1 and BASE_PATH) and the digest
 * is a SHA-256 of the canonical query and the canonical body. Canonical: query parameters decoded and sorted;
 * the body's object keys sorted at every depth, no whitespace, strings and numbers by value. A request without
 * a body and one whose body is only whitespace are the same request. An `If-Match` header, when given, is part of
 * the digest too, as sent.
 */
export function requestFingerprint(
  method: string,
  resource: string,
  querystring: string,
  body: { json: unknown } | undefined,
  ifMatch?: string,
): string {
  const hash = createHash('sha256')
    .update(canonicalQuery(querystring))
    .update('\n')
    .update(body === undefined ? '' : canonicalJson(body.json));
  if (ifMatch !== undefined) hash.update('\nIf-Match: ').update(ifMatch);
  const digest = hash.digest('base64url');
  return `${method} ${resource} ${digest}`;
}

export function canonicalQuery(querystring: string): string {
  const pairs = [...new URLSearchParams(querystring)].sort(([a, x], [b, y]) => compare(a, b) || compare(x, y));
  return new URLSearchParams(pairs).toString();
}

/** JSON with sorted keys and no whitespace, for a value as the body parser gives it (bigint for large integers). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value)
      .sort(compare)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  throw new TypeError(`not a JSON value: ${typeof value}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
