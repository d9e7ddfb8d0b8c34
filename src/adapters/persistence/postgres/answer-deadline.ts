import type { Socket } from 'node:net';
import { DatabaseSilent } from '../database-unavailable.js';

/** What the deadline uses of a `pg` client: its queries, its socket, and its signal that no query is left. */
export interface WatchedClient {
  query(...args: unknown[]): unknown;
  on(event: 'drain', listener: () => void): unknown;
  connection: { stream: Socket };
}

/**
 * Closes `client`'s connection when the server sends nothing for `deadlineMs` while a query of it waits: the query
 * and the ones behind it fail with `DatabaseSilent`, and the pool replaces the connection. Without it a query sent
 * into a network that went silent (a partition, a server that froze) waits as long as the kernel keeps the
 * connection, a quarter of an hour by default. The clock restarts with every byte either way, so a long answer
 * that is coming is not cut; an idle connection in the pool has no deadline.
 */
export function closeWhenSilent(client: WatchedClient, deadlineMs: number): void {
  const socket = client.connection.stream;
  const query = client.query.bind(client);
  client.query = (...args: unknown[]) => {
    socket.setTimeout(deadlineMs);
    return query(...args);
  };
  client.on('drain', () => socket.setTimeout(0));
  socket.on('timeout', () => socket.destroy(new DatabaseSilent(deadlineMs)));
}
