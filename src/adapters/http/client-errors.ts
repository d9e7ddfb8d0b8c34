import { randomUUID } from 'node:crypto';
import { type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_BY_CODE } from './error-statuses.js';

const CODE_BY_PARSER_ERROR: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
};

const MESSAGES: Readonly<Record<string, string>> = {
  HEADERS_TOO_LARGE: 'The request headers are larger than the server accepts',
  REQUEST_TIMEOUT: 'The request did not arrive in time',
  INVALID_REQUEST: 'The request is not valid HTTP',
};

/**
 * Requests that node:http refuses before they reach the app (headers too large, too slow, not HTTP) get the
 * same answer as every other refusal: a JSON body with code, message and requestId, and the headers every
 * answer carries.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    socket.end(clientErrorAnswer(error.code));
  });
}

export function clientErrorAnswer(parserErrorCode: string | undefined, requestId: string = randomUUID()): string {
  const code = CODE_BY_PARSER_ERROR[parserErrorCode ?? ''] ?? 'INVALID_REQUEST';
  const status = STATUS_BY_CODE[code] ?? 400;
  const body = JSON.stringify({ code, message: MESSAGES[code], requestId });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Request-Id: ${requestId}\r\n` +
    'Cache-Control: no-store\r\n' +
    'X-Content-Type-Options: nosniff\r\n' +
    `Connection: close\r\n\r\n${body}`
  );
}
