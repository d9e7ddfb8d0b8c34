import type { Knex } from 'knex';
import { plannedStatementsPool } from '../knex/open-database.js';
import { whileWriting } from '../knex/write-share.js';
import type { PgConnection } from './postgres-transaction.js';

/**
 * Runs `use` on a pooled connection, and gives the connection back however `use` ends. The connection is one of the
 * pool for the statements prepared once, where `db` has one (`plannedStatementsPool`): what runs here is such
 * statements alone.
 */
export async function onPooledConnection<T>(db: Knex, use: (connection: PgConnection) => Promise<T>): Promise<T> {
  const pool = plannedStatementsPool(db);
  const connection = (await pool.client.acquireConnection()) as PgConnection;
  try {
    return await use(connection);
  } finally {
    await pool.client.releaseConnection(connection);
  }
}

/** `onPooledConnection` for work that writes: it waits for its place among the writes first (see whileWriting). */
export function writeOnPooledConnection<T>(db: Knex, use: (connection: PgConnection) => Promise<T>): Promise<T> {
  return whileWriting(db, () => onPooledConnection(db, use));
}
