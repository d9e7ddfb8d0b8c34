import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ParserRefusalSeen } from './client-errors.js';
import { STATUS_BY_CODE } from './error-statuses.js';

/**
 * At most this many requests of one connection are carried out at a time: a client may send more before it reads
 * an answer (pipelining), and node:http hands the app every request of what it has read at once, since the app
 * has answered none of them yet. The next one is refused and the connection closed after its answer.
 */
export const MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION = 16;

/** An answer whose bytes reach the client no further for this long loses its connection: a client that never reads. */
export const ANSWER_READ_TIMEOUT_MS = 30_000;

const TOO_MANY = 'TOO_MANY_PIPELINED_REQUESTS';

/** The answers a connection owes, and what waits for them all to be written. */
class OwedAnswers {
  owed = 0;
  refusedOne = false;
  private readonly afterThem: Array<() => void> = [];

  settle(): void {
    this.owed--;
    if (this.owed > 0) return;
    for (const then of this.afterThem.splice(0)) then();
  }

  /** Runs `then` once every answer owed now has been written (or the connection closed). */
  whenSettled(then: () => void): void {
    if (this.owed === 0) then();
    else this.afterThem.push(then);
  }
}

const owedBy = new WeakMap<Duplex, OwedAnswers>();

function owedAnswers(socket: Duplex): OwedAnswers {
  let owed = owedBy.get(socket);
  if (owed === undefined) {
    owed = new OwedAnswers();
    owedBy.set(socket, owed);
  }
  return owed;
}

/**
 * `handler` for at most MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION requests of a connection at a time, each answer
 * written within ANSWER_READ_TIMEOUT_MS of the client's last read. Without these a client that sends requests
 * and reads nothing holds every answer in memory, as many as it likes.
 */
export function boundedAnswers(
  handler: RequestListener,
  seen?: ParserRefusalSeen,
  answerReadTimeoutMs = ANSWER_READ_TIMEOUT_MS,
): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const { socket } = request;
    const owed = owedAnswers(socket);
    owed.owed++;
    response.once('close', () => owed.settle());
    if (owed.owed <= MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION) {
      dropWhenUnread(response, socket, answerReadTimeoutMs);
      handler(request, response);
      return;
    }
    // Nothing more of this connection is read; what node:http has read already is left unanswered, and goes with
    // the connection once the refusal is written.
    socket.pause();
    if (owed.refusedOne) return;
    owed.refusedOne = true;
    dropWhenUnread(response, socket, answerReadTimeoutMs);
    refuse(response, request.method ?? null, seen);
  };
}

/**
 * Runs `answer` once every answer the connection owes has been written: a request node:http refused after others
 * of the same connection is answered after them, never in their place.
 */
export function afterOwedAnswers(socket: Duplex, answer: () => void): void {
  const owed = owedBy.get(socket);
  if (owed === undefined) answer();
  else owed.whenSettled(answer);
}

function refuse(response: ServerResponse, method: string | null, seen?: ParserRefusalSeen): void {
  const requestId = randomUUID();
  const status = STATUS_BY_CODE[TOO_MANY]!;
  seen?.({ requestId, status, method });
  const body = JSON.stringify({
    code: TOO_MANY,
    message: `At most ${MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION} requests of one connection are carried out at a time: read their answers before sending more, and send this one again`,
    requestId,
  });
  response.shouldKeepAlive = false;
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Request-Id': requestId,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(body);
}

/** Answers longer than this are handed to the socket a slice at a time, as the client reads them. */
const SLICE_BYTES = 64 * 1024;

/**
 * Closes the connection when, once the app has ended the answer, bytes wait in the socket and none has gone out for
 * `timeoutMs`: a client that stopped reading. While nothing waits in the socket the connection waits for the app
 * (an earlier answer of a pipelined request), not for the client. A long answer goes out a slice at a time, so that
 * what the client reads shows: node:http would hand it to the socket in one write, which says nothing until it ends.
 */
function dropWhenUnread(response: ServerResponse, socket: Duplex, timeoutMs: number): void {
  let timer: NodeJS.Timeout | undefined;
  let sent = 0;
  const check = () => {
    const sentNow = bytesSent(socket);
    if (sentNow === sent && bytesWaiting(socket) > 0) {
      socket.destroy();
      return;
    }
    sent = sentNow;
    timer = setTimeout(check, timeoutMs);
  };
  const end = response.end.bind(response) as (chunk?: unknown) => ServerResponse;
  response.end = ((chunk?: unknown, ...rest: unknown[]) => {
    sent = bytesSent(socket);
    timer = setTimeout(check, timeoutMs);
    if (rest.length === 0 && (typeof chunk === 'string' || Buffer.isBuffer(chunk)) && chunk.length > SLICE_BYTES) {
      endInSlices(response, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk), end);
      return response;
    }
    return (end as (...args: unknown[]) => ServerResponse)(chunk, ...rest);
  }) as ServerResponse['end'];
  response.once('close', () => clearTimeout(timer));
}

function endInSlices(response: ServerResponse, body: Buffer, end: (chunk?: unknown) => ServerResponse): void {
  let offset = 0;
  const next = () => {
    while (offset < body.length) {
      const slice = body.subarray(offset, offset + SLICE_BYTES);
      offset += slice.length;
      if (offset >= body.length) {
        end(slice);
        return;
      }
      if (!response.write(slice)) {
        response.once('drain', next);
        return;
      }
    }
  };
  next();
}

/** Bytes handed to the socket that the kernel has not taken yet. */
function bytesWaiting(socket: Duplex): number {
  const { _handle: handle } = socket as Duplex & { _handle?: { writeQueueSize?: number } | null };
  return socket.writableLength + (handle?.writeQueueSize ?? 0);
}

/**
 * A count that moves whenever the kernel takes bytes of the connection's answers: the bytes of finished writes, less
 * what libuv still holds of the write under way, which shrinks as a large answer goes out bit by bit.
 */
function bytesSent(socket: Duplex): number {
  const { bytesWritten = 0, _handle: handle } = socket as Duplex & {
    bytesWritten?: number;
    _handle?: { writeQueueSize?: number } | null;
  };
  return bytesWritten - socket.writableLength - (handle?.writeQueueSize ?? 0);
}
