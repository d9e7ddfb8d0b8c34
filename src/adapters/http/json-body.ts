import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { parseExactJson } from './exact-json.js';
import { askForBodyIfAwaited } from './expected-continue.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { parseMediaType } from './media-type.js';
import { RequestRefused } from './request-refused.js';

/** Room for a campaign with its whole content (at most 512 KiB as JSON) written with indentation. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

const NO_BODY = Symbol('no body');

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

export function hasBody(ctx: Context): boolean {
  const { headers } = ctx.req;
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/**
 * Reads a JSON body. Integers beyond 2^53 come back as bigint, never rounded, so a 64-bit id sent as a
 * JSON number survives. Returns NO_BODY when the request has none.
 */
export async function readJsonBody(ctx: Context): Promise<unknown | typeof NO_BODY> {
  if (!hasBody(ctx)) return NO_BODY;
  // A body without a Content-Type is read as JSON; one with an empty Content-Type declares no media type at all.
  const contentType = ctx.req.headers['content-type'];
  if (contentType !== undefined) refuseUnlessUtf8Json(contentType);
  const codings = unsupportedCodings(ctx.get('Content-Encoding'));
  if (codings !== '') {
    throw new RequestRefused(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Encoding: ${codings} is not supported; send the body unencoded (no Content-Encoding, or identity)`,
      {},
      { 'Accept-Encoding': 'identity' },
    );
  }
  const text = decodeUtf8(await readBytes(ctx));
  if (text.trim() === '') return NO_BODY;
  if (nestsDeeperThan(text)) {
    throw new RequestRefused(
      'INVALID_REQUEST',
      `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  try {
    return parseExactJson(text);
  } catch (error) {
    throw new RequestRefused('INVALID_REQUEST', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function isAbsent(body: unknown): body is typeof NO_BODY {
  return body === NO_BODY;
}

/**
 * A body declared as JSON: `application/json` or any type with the `+json` suffix (RFC 6839), such as the service
 * view's own `application/vnd.campaign-service+json`, with no charset other than UTF-8. A Content-Type that is not
 * a media type at all is refused too, rather than read past: a charset after a stray `;` or a broken quote counts.
 */
function refuseUnlessUtf8Json(contentType: string): void {
  const mediaType = parseMediaType(contentType);
  if (mediaType === undefined || !isJson(mediaType.essence)) {
    throw new RequestRefused(
      'UNSUPPORTED_MEDIA_TYPE',
      'The request body must be JSON (Content-Type: application/json, or a type with the +json suffix)',
    );
  }
  for (const [name, value] of mediaType.parameters) {
    if (name.toLowerCase() === 'charset' && value.toLowerCase() !== 'utf-8') {
      throw new RequestRefused('UNSUPPORTED_MEDIA_TYPE', `JSON bodies are UTF-8; charset=${value} is not accepted`);
    }
  }
}

function isJson(essence: string): boolean {
  return essence === 'application/json' || /^[^/]+\/.+\+json$/.test(essence);
}

/** The content codings of a Content-Encoding header other than identity, the only one read (RFC 9110 §8.4.1). */
function unsupportedCodings(header: string): string {
  if (header === '') return '';
  return header
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding.toLowerCase() !== 'identity')
    .join(', ');
}

/** Bytes that are not UTF-8 are refused, never replaced by U+FFFD. */
function decodeUtf8(bytes: Buffer): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new RequestRefused('INVALID_REQUEST', 'The request body is not valid UTF-8');
  }
}

async function readBytes(ctx: Context): Promise<Buffer> {
  if (Number(ctx.get('Content-Length') || 0) > BODY_LIMIT_BYTES) throw bodyTooLarge();
  askForBodyIfAwaited(ctx);
  try {
    return await getRawBody(ctx.req, {
      limit: BODY_LIMIT_BYTES,
      length: ctx.get('Content-Length') || undefined,
    });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw bodyTooLarge();
    throw new RequestRefused('INVALID_REQUEST', 'The request body could not be read');
  }
}

function bodyTooLarge(): RequestRefused {
  return new RequestRefused('PAYLOAD_TOO_LARGE', `The request body is larger than ${BODY_LIMIT_BYTES} bytes`, {
    limitBytes: BODY_LIMIT_BYTES,
  });
}
