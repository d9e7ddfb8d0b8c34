import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, context } from '@opentelemetry/api';
import type { Database } from 'better-sqlite3';
import type { Knex } from 'knex';
import type { OutboxSignal, Transaction, UnitOfWork } from '../../../application/index.js';
import { traceBatch } from '../../tracing/group-commit-span.js';
import { openedFileProblem } from './opened-file.js';
import { prepared } from './prepared-statements.js';
import { sqliteTransaction, type UnitWriteHooks } from './sqlite-transaction.js';
import { keepWriteAheadLog } from './write-ahead-log.js';

interface Pending {
  work: (tx: Transaction) => Promise<unknown>;
  /** The caller's trace context: the unit runs in it, not in the context of whoever started the flush. */
  context: Context;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const MAX_BATCH = 256;

/** Set while a unit's work runs, that is while its batch holds Knex's only SQLite connection. */
const insideUnit = new AsyncLocalStorage<true>();

/**
 * A unit of work reached past its transaction for the database while its batch holds the only connection: the
 * query (or the unit of work started inside it) would wait for the batch, and the batch waits for the unit.
 */
export class ConnectionWantedInsideUnit extends Error {
  override readonly name = 'ConnectionWantedInsideUnit';
}

export interface GroupCommitOptions {
  /**
   * Refuse at once, with `ConnectionWantedInsideUnit`, a unit that reaches past its transaction; without the guard
   * such a unit waits for its own batch until Knex's acquire timeout fails it. The guard follows every unit through
   * an AsyncLocalStorage, which on Node.js 20 hooks every promise of the process and costs about a tenth of a
   * start's CPU (docs/performance.md), so the service leaves it off in production (`NODE_ENV=production`); tests
   * and development keep it. Default: on.
   */
  guardUnits?: boolean;
  /**
   * Told how long each batch's `COMMIT` took, in seconds: its WAL writes, its sync and any checkpoint it ran. The
   * commit holds the event loop (better-sqlite3 is synchronous), so every request of the process waits that long.
   */
  onCommit?: (seconds: number) => void;
}

/**
 * Group commit on SQLite's single writer. The units of work that arrive in one turn of the event loop run together
 * in one transaction, each inside a savepoint of its own, and share one commit (one fsync); a unit that fails rolls
 * back to its savepoint and leaves the others alone. Nobody is answered before the commit that holds their writes
 * has returned, so an acknowledged change is exactly as durable as with a commit of its own.
 *
 * The batch holds Knex's only SQLite connection while it runs, so every other query waits for the commit instead
 * of slipping into the open transaction. A unit itself must therefore read and write only through the transaction
 * it is given: a query through any other Knex port, or another unit of work, started from inside a unit fails at
 * once with `ConnectionWantedInsideUnit` instead of waiting for a connection that its own batch holds.
 */
export class SqliteGroupCommitUnitOfWork implements UnitOfWork {
  private queue: Pending[] = [];
  private flushing = false;
  private readonly guardUnits: boolean;
  private readonly onCommit: ((seconds: number) => void) | undefined;

  constructor(
    private readonly db: Knex,
    private readonly outboxSignal?: OutboxSignal,
    options: GroupCommitOptions = {},
  ) {
    this.guardUnits = options.guardUnits ?? true;
    this.onCommit = options.onCommit;
    if (this.guardUnits) refuseConnectionsInsideUnits(db);
  }

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.guardUnits && insideUnit.getStore()) {
      return Promise.reject(
        new ConnectionWantedInsideUnit(
          'a unit of work started another unit of work on SQLite; it would wait for the batch that waits for it. ' +
            'Do the work in the transaction the first unit was given.',
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, context: context.active(), resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Runs after the event loop has read every request that was ready, so that they all join one commit. */
  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await traceBatch(
          batch.map((pending) => pending.context),
          () => this.commitBatch(batch),
        ).catch((error: unknown) => {
          // Whatever the batch's work threw, each of its units is answered: one answered already keeps its answer.
          for (const pending of batch) pending.reject(error);
        });
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    const moved = openedFileProblem(this.db);
    if (moved !== undefined) {
      for (const pending of batch) pending.reject(moved);
      return;
    }
    let connection: Database;
    try {
      connection = (await this.db.client.acquireConnection()) as Database;
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    let appended = false;
    const unit = new UnitWrites(connection);
    const tx = sqliteTransaction(connection, unit);
    const outcomes: Outcome[] = [];
    try {
      keepWriteAheadLog(this.db, connection);
      rollBackLeftOpen(connection);
      prepared(connection, 'BEGIN IMMEDIATE').run();
      for (const pending of batch) {
        const outcome = await runUnit(pending, tx, unit, this.guardUnits);
        // A unit rolled back to its savepoint left no event behind.
        if (outcome.ok && unit.appended) appended = true;
        outcomes.push(outcome);
      }
      this.commit(connection);
    } catch (commitError) {
      rollBackLeftOpen(connection);
      for (const pending of batch) pending.reject(commitError);
      return;
    } finally {
      await this.db.client.releaseConnection(connection);
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
    if (appended) this.outboxSignal?.notify();
  }

  private commit(connection: Database): void {
    const started = performance.now();
    prepared(connection, 'COMMIT').run();
    this.onCommit?.((performance.now() - started) / 1000);
  }
}

/**
 * Ends the transaction a failed batch left open, so that no query on the connection between batches reads its
 * writes or joins it. A ROLLBACK that fails is tried once more here, and again before the next batch begins.
 */
function rollBackLeftOpen(connection: Database): void {
  for (let attempt = 0; attempt < 2 && connection.inTransaction; attempt++) {
    try {
      prepared(connection, 'ROLLBACK').run();
    } catch {
      // Tried again, here or before the next batch; the batch's units are answered with the error that ended it.
    }
  }
}

/**
 * The savepoint of the unit running: opened just before its first write, so a unit that only reads, or is refused
 * before it writes, costs no savepoint; released when it succeeds, rolled back to when it fails.
 */
class UnitWrites implements UnitWriteHooks {
  private savepointOpen = false;
  appended = false;

  constructor(private readonly connection: Database) {}

  begin(): void {
    this.savepointOpen = false;
    this.appended = false;
  }

  beforeWrite(): void {
    if (this.savepointOpen) return;
    prepared(this.connection, 'SAVEPOINT unit').run();
    this.savepointOpen = true;
  }

  eventsAppended(): void {
    this.appended = true;
  }

  release(): void {
    if (this.savepointOpen) prepared(this.connection, 'RELEASE unit').run();
  }

  /** Undoes the unit's writes: the events it appended are gone with them. */
  rollBack(): void {
    this.appended = false;
    if (!this.savepointOpen) return;
    prepared(this.connection, 'ROLLBACK TO unit').run();
    prepared(this.connection, 'RELEASE unit').run();
  }
}

async function runUnit(pending: Pending, tx: Transaction, unit: UnitWrites, guarded: boolean): Promise<Outcome> {
  unit.begin();
  try {
    const value = await context.with(pending.context, () =>
      guarded ? insideUnit.run(true, () => pending.work(tx)) : pending.work(tx),
    );
    unit.release();
    return { ok: true, value };
  } catch (error) {
    unit.rollBack();
    return { ok: false, error };
  }
}

const guardedClients = new WeakSet<object>();

/** Makes Knex refuse a connection to a caller inside a unit at once, instead of after its acquire timeout. */
function refuseConnectionsInsideUnits(db: Knex): void {
  const client = db.client as { acquireConnection(): Promise<unknown> };
  if (guardedClients.has(client)) return;
  guardedClients.add(client);
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = () => {
    if (!insideUnit.getStore()) return acquire();
    return Promise.reject(
      new ConnectionWantedInsideUnit(
        'a unit of work on SQLite queried the database through Knex while its group commit holds the only ' +
          'connection; it would wait for itself. Read and write inside a unit only through the transaction it is given.',
      ),
    );
  };
}
