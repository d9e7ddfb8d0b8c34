import type { Knex } from 'knex';
import type { OutboxSignal, Transaction, UnitOfWork } from '../../../application/index.js';
import { type PgConnection, postgresTransaction } from './postgres-transaction.js';

/**
 * One transaction per unit of work on a connection of Knex's pool, with statements prepared once per connection:
 * the same transaction, version check and outbox row as `KnexUnitOfWork`, without building and parsing every
 * query again.
 */
export class PostgresUnitOfWork implements UnitOfWork {
  constructor(
    private readonly db: Knex,
    private readonly outboxSignal?: OutboxSignal,
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const connection = (await this.db.client.acquireConnection()) as PgConnection;
    let appended = false;
    let result: T;
    try {
      await connection.query('BEGIN');
      try {
        result = await work(postgresTransaction(connection, () => (appended = true)));
        await connection.query('COMMIT');
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      await this.db.client.releaseConnection(connection);
    }
    if (appended) this.outboxSignal?.notify();
    return result;
  }
}
