import { ApplicationError, ReplayedRefusal } from '../../application/index.js';
import { DomainError } from '../../domain/index.js';
import { wellFormedText } from '../../domain/storable-text.js';
import { RequestRefused } from './request-refused.js';

/** The one table from error codes to HTTP statuses. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  INVALID_CAMPAIGN_ID: 400,
  INVALID_REQUEST: 400,
  VALIDATION_FAILED: 400,
  PAGE_TOO_LARGE: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CAMPAIGN_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CAMPAIGN_NOT_STARTABLE: 409,
  CAMPAIGN_NOT_PAUSABLE: 409,
  CAMPAIGN_NOT_RESUMABLE: 409,
  CAMPAIGN_NOT_TERMINABLE: 409,
  CAMPAIGN_NOT_MODIFIABLE: 409,
  CAMPAIGN_NOT_RESTARTABLE: 409,
  CAMPAIGN_NOT_DELETABLE: 409,
  CAMPAIGN_NOT_COMPLETABLE: 409,
  CAMPAIGN_EXPIRED: 409,
  CAMPAIGN_EXISTS: 409,
  CAMPAIGN_CHANGED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  EXPECTATION_FAILED: 417,
  IDEMPOTENCY_KEY_REUSED: 422,
  TOO_MANY_PIPELINED_REQUESTS: 429,
  HEADERS_TOO_LARGE: 431,
  NOT_IMPLEMENTED: 501,
  TOKEN_KEYS_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  HTTP_VERSION_NOT_SUPPORTED: 505,
  INTERNAL: 500,
};

/** How long a client is asked to wait before it sends a request refused with the code again (Retry-After). */
const RETRY_AFTER_SECONDS: Readonly<Record<string, number>> = {
  DATABASE_UNAVAILABLE: 2,
};

/** Errors thrown by Koa's own machinery (http-errors) carry a status; they get a code from it. */
const CODE_BY_FRAMEWORK_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  501: 'NOT_IMPLEMENTED',
};

export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** True when nothing about the error is known: it is logged and its message hidden. */
  unexpected: boolean;
  /** The request whose answer this is, when not the current one: a refusal replayed under an Idempotency-Key. */
  requestId?: string;
}

export function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof ReplayedRefusal && error.firstRequestId !== undefined) {
    return { ...known(error.code, error.message, error.details()), requestId: error.firstRequestId };
  }
  if (error instanceof DomainError || error instanceof ApplicationError) {
    return known(error.code, error.message, error.details());
  }
  if (error instanceof RequestRefused) return known(error.code, error.message, error.extra, error.headers);
  const frameworkCode = CODE_BY_FRAMEWORK_STATUS[(error as { status?: number })?.status ?? 0];
  if (frameworkCode !== undefined) return known(frameworkCode, (error as Error).message);
  return {
    status: 500,
    body: { code: 'INTERNAL', message: 'The server failed to process the request' },
    headers: {},
    unexpected: true,
  };
}

function known(
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): ErrorAnswer {
  const status = STATUS_BY_CODE[code];
  if (status === undefined) return answerFor(new Error(`no HTTP status for error code ${code}`));
  const retryAfter = RETRY_AFTER_SECONDS[code];
  return {
    status,
    body: wellFormed({ code, message, ...details }) as Record<string, unknown>,
    headers: retryAfter === undefined ? headers : { 'Retry-After': String(retryAfter), ...headers },
    unexpected: false,
  };
}

/**
 * A refusal may quote what it refused: a field's name or a value, which may hold an unpaired surrogate (refused for
 * that very reason). What it quotes is made well-formed, or a client's UTF-8 decoder would fail on the refusal itself.
 */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return wellFormedText(value);
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [wellFormedText(key), wellFormed(item)]));
}
