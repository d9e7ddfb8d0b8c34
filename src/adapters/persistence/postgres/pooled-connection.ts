import type { Knex } from 'knex';
import { whileWriting } from '../knex/write-share.js';
import type { PgConnection } from './postgres-transaction.js';

/** Runs `use` on a connection of Knex's pool, and gives the connection back however `use` ends. */
export async function onPooledConnection<T>(db: Knex, use: (connection: PgConnection) => Promise<T>): Promise<T> {
  const connection = (await db.client.acquireConnection()) as PgConnection;
  try {
    return await use(connection);
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/** `onPooledConnection` for work that writes: it waits for its place among the writes first (see whileWriting). */
export function writeOnPooledConnection<T>(db: Knex, use: (connection: PgConnection) => Promise<T>): Promise<T> {
  return whileWriting(db, () => onPooledConnection(db, use));
}
