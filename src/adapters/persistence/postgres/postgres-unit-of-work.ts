import type { Knex } from 'knex';
import type { OutboxSignal, Transaction, UnitOfWork, UnitOfWorkOptions } from '../../../application/index.js';
import { type PgConnection, postgresTransaction } from './postgres-transaction.js';
import { singleWriteTransaction } from './single-write-transaction.js';

/**
 * One transaction per unit of work on a connection of Knex's pool, with statements prepared once per connection:
 * the same transaction, version check and outbox row as the Knex query builder would give, without building and
 * parsing every query again. A unit told it makes a single write runs without BEGIN and COMMIT: its one
 * `saveChange` is one statement, which PostgreSQL commits or rolls back as a whole (docs/design.md).
 */
export class PostgresUnitOfWork implements UnitOfWork {
  constructor(
    private readonly db: Knex,
    private readonly outboxSignal?: OutboxSignal,
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>, options?: UnitOfWorkOptions): Promise<T> {
    const connection = (await this.db.client.acquireConnection()) as PgConnection;
    let appended = false;
    let result: T;
    try {
      const tx = postgresTransaction(connection, () => (appended = true));
      result = options?.singleWrite
        ? await work(singleWriteTransaction(tx))
        : await inTransaction(connection, tx, work);
    } finally {
      await this.db.client.releaseConnection(connection);
    }
    if (appended) this.outboxSignal?.notify();
    return result;
  }
}

async function inTransaction<T>(
  connection: PgConnection,
  tx: Transaction,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  await connection.query('BEGIN');
  try {
    const result = await work(tx);
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
