import { type IncomingMessage, type RequestListener, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ParserRefusalSeen, refusalAnswer } from './parser-refusal.js';

/**
 * At most this many requests of one connection are carried out at a time: a client may send more before it reads
 * an answer (pipelining), and node:http hands the app every request of what it has read at once, since the app
 * has answered none of them yet. The next one is refused and the connection closed after its answer.
 */
export const MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION = 16;

/** An answer whose bytes reach the client no further for this long loses its connection: a client that never reads. */
export const ANSWER_READ_TIMEOUT_MS = 30_000;

/** The answers a connection owes, and what waits for them all to be written. */
class OwedAnswers {
  owed = 0;
  refusedOne = false;
  /** What the kernel had taken of the connection's answers at the last look, and since when. */
  sent = 0;
  sentSince = 0;
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
 * `handler` for at most MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION requests of a connection at a time, and a connection
 * closed once bytes of its answers have waited in its socket with none taken by the client for
 * `answerReadTimeoutMs`. Without these a client that sends requests and reads nothing holds every answer in memory,
 * as many as it likes. While nothing waits in the socket the connection waits for the app, not for the client.
 */
export function boundedAnswers(
  handler: RequestListener,
  seen?: ParserRefusalSeen,
  answerReadTimeoutMs = ANSWER_READ_TIMEOUT_MS,
): BoundedListener {
  const busy = new Set<Duplex>();
  const watch = setInterval(() => closeUnread(busy, answerReadTimeoutMs), answerReadTimeoutMs / 4).unref();
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const { socket } = request;
    const owed = owedAnswers(socket);
    if (owed.owed++ === 0) {
      busy.add(socket);
      owed.sentSince = performance.now();
    }
    response.once('close', () => {
      owed.settle();
      if (owed.owed === 0 || socket.destroyed) busy.delete(socket);
    });
    response.end = endInSlices as ServerResponse['end'];
    if (owed.owed <= MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION) {
      handler(request, response);
      return;
    }
    // Nothing more of this connection is read; what node:http has read already is left unanswered, and goes with
    // the connection once the refusal is written.
    socket.pause();
    if (owed.refusedOne) return;
    owed.refusedOne = true;
    refuse(response, request.method ?? null, seen);
  };
  return Object.assign(listener, { inProgress: () => inProgress(busy), stop: () => clearInterval(watch) });
}

/** The listener, how many requests it has been handed that are not answered whole yet, and the end of its watch. */
export type BoundedListener = RequestListener & { inProgress(): number; stop(): void };

function inProgress(busy: ReadonlySet<Duplex>): number {
  let owed = 0;
  for (const socket of busy) owed += owedBy.get(socket)?.owed ?? 0;
  return owed;
}

function closeUnread(busy: ReadonlySet<Duplex>, timeoutMs: number): void {
  const now = performance.now();
  for (const socket of busy) {
    const owed = owedBy.get(socket)!;
    const sent = bytesSent(socket);
    if (sent !== owed.sent || bytesWaiting(socket) === 0) {
      owed.sent = sent;
      owed.sentSince = now;
    } else if (now - owed.sentSince >= timeoutMs) {
      socket.destroy();
    }
  }
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
  const message = `At most ${MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION} requests of one connection are carried out at a time: read their answers before sending more, and send this one again`;
  const { status, headers, body } = refusalAnswer('TOO_MANY_PIPELINED_REQUESTS', message, method, seen);
  response.shouldKeepAlive = false;
  response.writeHead(status, headers);
  response.end(body);
}

/** Answers longer than this are handed to the socket a slice at a time, as the client reads them. */
const SLICE_BYTES = 64 * 1024;

const endWhole = ServerResponse.prototype.end;

/**
 * `response.end`, a long answer handed to the socket a slice at a time, each when the one before has gone out:
 * node:http would write it in one go, and a write says nothing of what the client took until it ends, so a slow
 * reader would look like one that stopped.
 */
function endInSlices(this: ServerResponse, chunk?: unknown, ...rest: unknown[]): ServerResponse {
  if (rest.length > 0 || !(typeof chunk === 'string' || Buffer.isBuffer(chunk)) || chunk.length <= SLICE_BYTES) {
    return (endWhole as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  }
  const body = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
  let offset = 0;
  const next = () => {
    while (offset < body.length) {
      const slice = body.subarray(offset, offset + SLICE_BYTES);
      offset += slice.length;
      if (offset >= body.length) {
        (endWhole as (chunk: unknown) => ServerResponse).call(this, slice);
        return;
      }
      if (!this.write(slice)) {
        this.once('drain', next);
        return;
      }
    }
  };
  next();
  return this;
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
