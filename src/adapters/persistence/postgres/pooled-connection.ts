import type { Knex } from 'knex';
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
