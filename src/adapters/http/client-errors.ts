import { STATUS_CODES, type Server } from 'node:http';
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
 * same JSON error shape as every other refusal instead of a bare status line.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const code = CODE_BY_PARSER_ERROR[error.code ?? ''] ?? 'INVALID_REQUEST';
    const status = STATUS_BY_CODE[code] ?? 400;
    const body = JSON.stringify({ code, message: MESSAGES[code] });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
