import type { Context } from 'koa';
import { RequestRefused } from './request-refused.js';

/**
 * Fields a request carries at most once (RFC 9110 §5.3, RFC 9112 §3.2): every field the service reads one value
 * of. node:http keeps the first of several or joins them into a list, while a proxy in front may have read
 * another: which host, credentials, media type or key was meant is not known, so the request is refused rather
 * than guessed at.
 */
const SINGLETON_FIELDS: ReadonlySet<string> = new Set([
  'host',
  'authorization',
  'x-voltmx-authorization',
  'content-type',
  'idempotency-key',
]);

/**
 * Refusals node:http would otherwise write itself, without the JSON body and headers every answer carries, or
 * not make at all: a request line of another HTTP than 1.x, which node:http reads (`HTTP/2.0` as text, or no
 * version at all, HTTP/0.9) though neither is spoken over this framing (505, and the connection closed); an
 * HTTP/1.1 request without Host, or with a field of SINGLETON_FIELDS given twice (400); an
 * Expect header other than 100-continue (417); an HTTP/1.0 request with Transfer-Encoding, which an HTTP/1.0
 * proxy in front would frame otherwise (400, and the connection closed: RFC 9112 §6.1); a transfer coding besides
 * chunked (501, RFC 9112 §6.1), whose body would otherwise be read as if it were not coded.
 */
export function refuseNonConformingRequest(ctx: Context): void {
  const { headers, httpVersionMajor, httpVersionMinor, rawHeaders } = ctx.req;
  if (httpVersionMajor !== 1) {
    throw new RequestRefused(
      'HTTP_VERSION_NOT_SUPPORTED',
      `HTTP/${ctx.req.httpVersion} is not supported; only HTTP/1.0 and HTTP/1.1 are`,
      {},
      { Connection: 'close' },
    );
  }
  if (headers.host === undefined && httpVersionMajor === 1 && httpVersionMinor >= 1) {
    throw new RequestRefused('INVALID_REQUEST', 'An HTTP/1.1 request must carry a Host header');
  }
  const repeated = repeatedSingletonField(rawHeaders);
  if (repeated !== undefined) {
    throw new RequestRefused('INVALID_REQUEST', `The request carries ${repeated} more than once`);
  }
  const expectation = headers.expect;
  if (expectation !== undefined && expectation.toLowerCase() !== '100-continue') {
    throw new RequestRefused(
      'EXPECTATION_FAILED',
      `Expect: ${expectation} cannot be met; only 100-continue is understood`,
    );
  }
  if (headers['transfer-encoding'] !== undefined && httpVersionMajor === 1 && httpVersionMinor === 0) {
    throw new RequestRefused(
      'INVALID_REQUEST',
      'An HTTP/1.0 request cannot carry Transfer-Encoding; its framing is not known',
      {},
      { Connection: 'close' },
    );
  }
  const codings = unknownTransferCodings(headers['transfer-encoding']);
  if (codings !== '') {
    throw new RequestRefused(
      'NOT_IMPLEMENTED',
      `Transfer-Encoding: ${codings} is not implemented; only chunked is understood`,
    );
  }
}

/** The name of the first field of SINGLETON_FIELDS that `rawHeaders` (name, value, name, value, ...) holds twice. */
function repeatedSingletonField(rawHeaders: readonly string[]): string | undefined {
  const seen: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!SINGLETON_FIELDS.has(name)) continue;
    if (seen.includes(name)) return rawHeaders[i];
    seen.push(name);
  }
  return undefined;
}

/**
 * The transfer codings of a Transfer-Encoding header besides chunked, the only one understood. node:http
 * refuses a header whose last coding is not chunked, and joins several Transfer-Encoding lines into one list.
 */
function unknownTransferCodings(header: string | undefined): string {
  if (header === undefined) return '';
  return header
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding.toLowerCase() !== 'chunked')
    .join(', ');
}
