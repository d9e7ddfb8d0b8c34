import { type Context, context } from '@opentelemetry/api';
import sqlite3 from 'sqlite3';
import { type CampaignRow, toRow, toSnapshot } from '../../src/adapters/persistence/rows/campaign-rows.js';
import { isUniqueViolation } from '../../src/adapters/persistence/rows/database-values.js';
import { type IdempotencyRow, storedOutcome } from '../../src/adapters/persistence/rows/idempotency-rows.js';
import { outboxRows } from '../../src/adapters/persistence/rows/outbox-rows.js';
import { bindable } from '../../src/adapters/persistence/sqlite/prepared-statements.js';
import {
  DELETE_CAMPAIGN,
  INSERT_CAMPAIGN,
  INSERT_OUTBOX,
  INSERT_OUTCOME,
  SELECT_CAMPAIGN,
  SELECT_OUTCOME,
  UPDATE_CAMPAIGN,
} from '../../src/adapters/persistence/sqlite/sqlite-transaction.js';
import { activeTraceContext } from '../../src/adapters/tracing/trace-context.js';
import {
  CampaignAlreadyExists,
  type IdempotencyKey,
  IdempotencyKeyTaken,
  type OutboxSignal,
  type StoredOutcome,
  type Transaction,
  type UnitOfWork,
} from '../../src/application/index.js';
import { Campaign, type CampaignEvent, type CampaignId } from '../../src/domain/index.js';

interface Pending {
  work: (tx: Transaction) => Promise<unknown>;
  context: Context;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const MAX_BATCH = 256;

/**
 * The service's SQLite group commit (`SqliteGroupCommitUnitOfWork`) on the `sqlite3` driver, for the driver comparison
 * only: the same batching (the units of one turn of the event loop, up to 256, in one BEGIN IMMEDIATE ... COMMIT,
 * each in a savepoint), the same SQL, every statement prepared once on one connection of its own with the same
 * pragmas. `sqlite3` runs every statement, the commit's fsync included, on libuv's thread pool.
 */
export class Sqlite3GroupCommitUnitOfWork implements UnitOfWork {
  private queue: Pending[] = [];
  private flushing = false;
  private readonly statements = new Map<string, sqlite3.Statement>();

  private constructor(
    private readonly connection: sqlite3.Database,
    private readonly outboxSignal?: OutboxSignal,
  ) {}

  static async open(filename: string, outboxSignal?: OutboxSignal): Promise<Sqlite3GroupCommitUnitOfWork> {
    const connection = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db: sqlite3.Database = new sqlite3.Database(filename, (error) => (error ? reject(error) : resolve(db)));
    });
    await new Promise<void>((resolve, reject) =>
      connection.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;', (e) =>
        e ? reject(e) : resolve(),
      ),
    );
    return new Sqlite3GroupCommitUnitOfWork(connection, outboxSignal);
  }

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, context: context.active(), resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commitBatch(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.flushing = false;
    }
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    let appended = false;
    const tx = this.transaction(() => {
      appended = true;
    });
    const outcomes: Outcome[] = [];
    try {
      await this.exec('BEGIN IMMEDIATE');
      for (const pending of batch) outcomes.push(await this.runInSavepoint(pending, tx));
      await this.exec('COMMIT');
    } catch (commitError) {
      await this.exec('ROLLBACK').catch(() => undefined);
      for (const pending of batch) pending.reject(commitError);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
    if (appended) this.outboxSignal?.notify();
  }

  private async runInSavepoint(pending: Pending, tx: Transaction): Promise<Outcome> {
    await this.exec('SAVEPOINT unit');
    try {
      const value = await context.with(pending.context, () => pending.work(tx));
      await this.exec('RELEASE unit');
      return { ok: true, value };
    } catch (error) {
      await this.exec('ROLLBACK TO unit');
      await this.exec('RELEASE unit');
      return { ok: false, error };
    }
  }

  private prepared(sql: string): sqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private exec(sql: string): Promise<number> {
    return this.execute(sql, []);
  }

  /** Runs a prepared statement and answers how many rows it changed. */
  private execute(sql: string, parameters: unknown): Promise<number> {
    return new Promise((resolve, reject) =>
      this.prepared(sql).run(parameters, function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(error);
        else resolve(this.changes);
      }),
    );
  }

  private get<T>(sql: string, parameters: unknown[]): Promise<T | undefined> {
    return new Promise((resolve, reject) =>
      this.prepared(sql).get(parameters, (error: Error | null, row: T | undefined) =>
        error ? reject(error) : resolve(row),
      ),
    );
  }

  private transaction(onAppend: () => void): Transaction {
    const named = (row: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(bindable(row)).map(([k, v]) => [`@${k}`, v]));
    const tx: Transaction = {
      campaigns: {
        find: async (id: CampaignId) => {
          const row = await this.get<CampaignRow>(SELECT_CAMPAIGN, [id.toString()]);
          return row === undefined ? undefined : Campaign.restore(toSnapshot(row));
        },
        insert: async (campaign: Campaign) => {
          try {
            await this.execute(INSERT_CAMPAIGN, named(toRow(campaign.snapshot())));
          } catch (error) {
            if (isUniqueViolation(error)) throw new CampaignAlreadyExists(campaign.id.toString());
            throw error;
          }
        },
        update: async (campaign: Campaign, expectedVersion: number) =>
          (await this.execute(UPDATE_CAMPAIGN, {
            ...named(toRow(campaign.snapshot())),
            '@expectedVersion': expectedVersion,
          })) === 1,
        remove: async (campaign: Campaign, expectedVersion: number) =>
          (await this.execute(DELETE_CAMPAIGN, [campaign.id.toString(), expectedVersion])) === 1,
        saveChange: async (campaign: Campaign, expectedVersion: number, events: readonly CampaignEvent[]) => {
          // The rows first: the trace context is current only until the first await (carried-trace-context.ts).
          const rows = outboxRows(events, new Date(), activeTraceContext());
          const written = campaign.isDeleted
            ? await tx.campaigns.remove(campaign, expectedVersion)
            : await tx.campaigns.update(campaign, expectedVersion);
          if (!written || rows.length === 0) return written;
          for (const row of rows) await this.execute(INSERT_OUTBOX, named(row));
          onAppend();
          return true;
        },
      },
      outbox: {
        append: async (events: readonly CampaignEvent[]) => {
          if (events.length === 0) return;
          for (const row of outboxRows(events, new Date(), activeTraceContext()))
            await this.execute(INSERT_OUTBOX, named(row));
          onAppend();
        },
      },
      idempotency: {
        find: async (key: IdempotencyKey) => {
          const row = await this.get<IdempotencyRow>(SELECT_OUTCOME, [key.owner, key.key]);
          return row === undefined ? undefined : storedOutcome(row);
        },
        remember: async (key: IdempotencyKey, outcome: StoredOutcome, at: Date) => {
          try {
            await this.execute(INSERT_OUTCOME, [
              key.owner,
              key.key,
              key.fingerprint,
              JSON.stringify(outcome),
              at.getTime(),
            ]);
          } catch (error) {
            if (isUniqueViolation(error)) throw new IdempotencyKeyTaken();
            throw error;
          }
        },
      },
    };
    return tx;
  }
}
