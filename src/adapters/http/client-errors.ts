import { METHODS, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterOwedAnswers } from './connection-answers.js';
import { type ParserRefusalSeen, refusalAnswer } from './parser-refusal.js';

/** What node:http tells of a request it refused: its parser's error code, the bytes and where it stopped. */
export interface ClientError {
  code?: string | undefined;
  rawPacket?: Buffer | undefined;
  bytesParsed?: number | undefined;
}

interface Refusal {
  code: string;
  message: string;
}

export type { ParserRefusal, ParserRefusalSeen } from './parser-refusal.js';

const REFUSAL_BY_PARSER_ERROR: Readonly<Record<string, Refusal>> = {
  HPE_HEADER_OVERFLOW: {
    code: 'HEADERS_TOO_LARGE',
    message: 'The request headers are larger than the server accepts',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time' },
  CONNECT: { code: 'NOT_IMPLEMENTED', message: 'The method CONNECT is not implemented' },
};

const NOT_HTTP: Refusal = { code: 'INVALID_REQUEST', message: 'The request is not valid HTTP' };

/** The parser's errors for a method it does not know: any token, or one of RTSP's (PLAY) in an HTTP request. */
const METHOD_ERRORS = new Set(['HPE_INVALID_METHOD', 'HPE_INVALID_CONSTANT']);

/** An HTTP/1 request line (RFC 9112 §3): a method token, the target and the version. */
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) \S+ HTTP\/1\.[01]\r?$/;

/**
 * Requests that node:http refuses before they reach the app (headers too large, too slow, a method it does not
 * know, not HTTP) and CONNECT requests get the same answer as every other refusal: a JSON body with code, message and requestId, and
 * the headers every answer carries. A request that already has an answer gets no other: its connection is closed.
 */
export function answerClientErrorsAsJson(server: Server, seen?: ParserRefusalSeen): void {
  server.on('clientError', (error: NodeJS.ErrnoException & ClientError, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET' || answerAlreadyWritten(socket)) {
      socket.destroy();
      return;
    }
    const answer = clientErrorAnswer(error, seen);
    if (receivingRequest(socket)) socket.end(answer);
    // A request refused after others of the connection: their answers come first.
    else afterOwedAnswers(socket, () => socket.writable && socket.end(answer));
  });
  // node:http hands a CONNECT (a tunnel, no request for a resource) to this event and, without a listener, closes
  // the connection unanswered: it is refused as every method the server does not implement is.
  server.on('connect', (_request: unknown, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    socket.end(clientErrorAnswer({ code: 'CONNECT' }));
  });
}

/** The state node:http keeps on a connection's socket, which its own answer to a client error reads too. */
interface HttpConnection {
  /** The response being written, until it is all written. */
  _httpMessage?: { headersSent: boolean } | null;
  /** The request being received, until its body has all arrived and been read. */
  parser?: { incoming?: { complete: boolean } | null } | null;
}

/** Whether the parser stopped inside a request whose headers it had read (in its body), not in a new one. */
function receivingRequest(socket: Duplex): boolean {
  return (socket as Duplex & HttpConnection).parser?.incoming?.complete === false;
}

/**
 * Whether the request being received already has an answer on the wire, begun or whole: one more would be a
 * second answer to it, or cut into the first. The app may answer before a body has all arrived (413, 401, 415):
 * node:http then detaches the response from the socket, while its parser still holds the request.
 */
function answerAlreadyWritten(socket: Duplex): boolean {
  if (!receivingRequest(socket)) return false;
  const { _httpMessage: response } = socket as Duplex & HttpConnection;
  return response ? response.headersSent : true;
}

/** The answer to a request node:http refused, told to `seen` (the request's log line) as it is made. */
export function clientErrorAnswer(error: ClientError, seen?: ParserRefusalSeen): string {
  const { code, message } = refusalOf(error);
  const { status, headers, body } = refusalAnswer(code, message, knownMethod(error), seen);
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('')}Connection: close\r\n\r\n${body}`;
}

function refusalOf(error: ClientError): Refusal {
  const refusal = REFUSAL_BY_PARSER_ERROR[error.code ?? ''];
  if (refusal !== undefined) return refusal;
  const method = unknownMethod(error);
  if (method !== undefined) return { code: 'NOT_IMPLEMENTED', message: `The method ${method} is not implemented` };
  return NOT_HTTP;
}

/**
 * The method of a well-formed request line that the parser stopped at because it does not know the method, as
 * the app answers a method no route knows (501); anything else it stopped at is not HTTP (400).
 */
function unknownMethod(error: ClientError): string | undefined {
  if (!METHOD_ERRORS.has(error.code ?? '')) return undefined;
  const method = requestLineMethod(stoppedLine(error));
  return method !== undefined && !METHODS.includes(method) ? method : undefined;
}

/** The method of the refused request, when a request line before where the parser stopped names one it knows. */
function knownMethod(error: ClientError): string | null {
  if (error.rawPacket === undefined) return null;
  const read = error.rawPacket.toString('latin1', 0, error.bytesParsed || error.rawPacket.length).split('\n');
  for (let line = read.length - 1; line >= 0; line--) {
    const method = requestLineMethod(read[line]);
    if (method !== undefined) return METHODS.includes(method) ? method : null;
  }
  return null;
}

/** The whole line the parser was reading when it stopped, if it has ended. */
function stoppedLine({ rawPacket, bytesParsed = 0 }: ClientError): string | undefined {
  if (rawPacket === undefined) return undefined;
  const lineStart = bytesParsed > 0 ? rawPacket.lastIndexOf(0x0a, bytesParsed - 1) + 1 : 0;
  const lineEnd = rawPacket.indexOf(0x0a, lineStart);
  return lineEnd < 0 ? undefined : rawPacket.toString('latin1', lineStart, lineEnd);
}

function requestLineMethod(line: string | undefined): string | undefined {
  return line?.match(REQUEST_LINE)?.[1];
}
