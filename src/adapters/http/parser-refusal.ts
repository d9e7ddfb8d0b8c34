import { randomUUID } from 'node:crypto';
import { STATUS_BY_CODE } from './error-statuses.js';

/** A request refused before it reached the app (by node:http, or for its connection), as its log line tells it. */
export interface ParserRefusal {
  requestId: string;
  status: number;
  /** The method of its request line, when it is one node:http knows; null otherwise. */
  method: string | null;
}

export type ParserRefusalSeen = (refusal: ParserRefusal) => void;

/** The answer to a request refused outside the app, after which its connection closes. */
export interface RefusalAnswer {
  status: number;
  headers: Readonly<Record<string, string | number>>;
  body: string;
}

/** The answer refusing a request outside the app with `code` (400 when the table has no status for it), told to `seen`. */
export function refusalAnswer(
  code: string,
  message: string,
  method: string | null,
  seen?: ParserRefusalSeen,
): RefusalAnswer {
  const requestId = randomUUID();
  const status = STATUS_BY_CODE[code] ?? 400;
  seen?.({ requestId, status, method });
  const body = JSON.stringify({ code, message, requestId });
  return {
    status,
    body,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'X-Request-Id': requestId,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  };
}
