import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { clientErrorAnswer, type ParserRefusalSeen } from './client-errors.js';

/**
 * node:http checks its headers timeout only once a request has begun, so a connection that never sends a byte
 * would stay open forever. Each connection gets `headersTimeoutMs` for its first request to arrive: a silent one
 * is then closed, one that sent part of a request is answered 408. The timer ends when the request arrives, and
 * node's keep-alive timer takes over after the answer.
 */
export function closeSilentConnections(server: Server, headersTimeoutMs: number, seen?: ParserRefusalSeen): void {
  const served = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => socket.setTimeout(headersTimeoutMs));
  server.on('request', ({ socket }) => {
    if (served.has(socket)) return; // Later requests: node clears its own keep-alive timer.
    served.add(socket);
    socket.setTimeout(0);
  });
  // With a listener here node leaves every socket timeout to it, the keep-alive ones included.
  server.on('timeout', (socket: Socket) => {
    if (!served.has(socket) && socket.bytesRead > 0 && socket.writable) {
      socket.end(clientErrorAnswer({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }, seen));
    } else {
      socket.destroy();
    }
  });
}
