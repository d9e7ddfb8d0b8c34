import type { Knex } from 'knex';
import type { OutboxSignal, Transaction, UnitOfWork, UnitOfWorkOptions } from '../../../application/index.js';
import { CoalescedCampaigns } from './coalesced-campaigns.js';
import { coalescedTransaction } from './coalesced-transaction.js';
import { writeOnPooledConnection } from './pooled-connection.js';
import { postgresTransaction } from './postgres-transaction.js';
import { singleWriteTransaction } from './single-write-transaction.js';

/**
 * One transaction per unit of work on a connection of Knex's pool, with statements prepared once per connection:
 * the same transaction, version check and outbox row as the Knex query builder would give, without building and
 * parsing every query again. A unit told it makes a single write runs without BEGIN and COMMIT, and without a
 * connection of its own: its reads and its one `saveChange` join those of the other such units of the same turn
 * of the event loop in one statement each (`CoalescedCampaigns`), which PostgreSQL commits or rolls back as a
 * whole (docs/design.md).
 */
export class PostgresUnitOfWork implements UnitOfWork {
  private readonly coalesced: CoalescedCampaigns;

  constructor(
    private readonly db: Knex,
    private readonly outboxSignal?: OutboxSignal,
  ) {
    this.coalesced = new CoalescedCampaigns(db);
  }

  async run<T>(work: (tx: Transaction) => Promise<T>, options?: UnitOfWorkOptions): Promise<T> {
    let appended = false;
    const onAppend = () => {
      appended = true;
    };
    const result = options?.singleWrite
      ? await work(singleWriteTransaction(coalescedTransaction(this.db, this.coalesced, onAppend)))
      : await this.inTransaction(work, onAppend);
    if (appended) this.outboxSignal?.notify();
    return result;
  }

  private async inTransaction<T>(work: (tx: Transaction) => Promise<T>, onAppend: () => void): Promise<T> {
    return writeOnPooledConnection(this.db, async (connection) => {
      await connection.query('BEGIN');
      try {
        const result = await work(postgresTransaction(connection, onAppend));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }
}
