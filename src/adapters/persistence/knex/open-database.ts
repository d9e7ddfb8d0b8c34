import type { Database } from 'better-sqlite3';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';
import { closeWhenSilent, type WatchedClient } from '../postgres/answer-deadline.js';
import { rememberOpenedFile } from '../sqlite/opened-file.js';
import { keepCompiledStatements } from '../sqlite/prepared-statements.js';
import { ensureUsableDatabaseFile } from '../sqlite/writable-file.js';
import { watchWriteAheadLog } from '../sqlite/write-ahead-log.js';
import { addCaseFolding } from './case-folding.js';
import { knexLog } from './knex-log.js';

export type DatabaseLocation =
  | { kind: 'sqlite'; filename: string }
  | { kind: 'postgres'; connectionString: string; schema?: string };

/** The connections of the service's PostgreSQL pool (docs/scaling.md). */
export const POSTGRES_POOL_SIZE = 10;

export interface PoolOptions {
  /** The connections of the pool on PostgreSQL; SQLite has one. */
  connections?: number;
  /**
   * On PostgreSQL, how long a statement may wait with nothing from the server before its connection is closed
   * (`closeWhenSilent`); none when left out, for work that may be silent longer, such as a migration.
   */
  answerDeadlineMs?: number;
  /**
   * On PostgreSQL, a second pool beside Knex's, as large, for the statements prepared once on pooled connections
   * (`onPooledConnection`: the units of work's, the relay's mark), whose sessions plan them once (see
   * plannedStatementsPool). Destroying the database destroys it too.
   */
  plannedStatements?: boolean;
}

/**
 * The setting of the sessions of the pool for the statements prepared once. PostgreSQL plans a prepared statement
 * anew at every run (a custom plan) until a plan for any values (a generic plan) costs no more; for a statement
 * given arrays (a batch's ids, its changes, its events) the custom plan sees how long they are and always costs
 * less, so it was planned at every run, and planning cost more than running it (docs/performance.md). The
 * statements sent on such connections are all named and take their rows by key, so one plan serves every value.
 * Knex's own queries, whose best plan may depend on the values (a name's prefix), keep the default on their pool.
 */
const PLANNED_ONCE = 'SET plan_cache_mode = force_generic_plan';

const plannedPools = new WeakMap<Knex, Knex>();

/** The pool for the statements prepared once on `db` (see PoolOptions.plannedStatements): `db` itself without one. */
export function plannedStatementsPool(db: Knex): Knex {
  return plannedPools.get(db) ?? db;
}

/**
 * Opens the database. What knex itself reports (a connection that failed, say) goes to `logger` as one JSON line
 * each, never as a stack trace, a repeated warning once a minute (`knexLog`); without a logger, knex writes it to
 * the console.
 */
export function openDatabase(location: DatabaseLocation, logger?: Logger, options: PoolOptions = {}): Knex {
  const log = logger === undefined ? {} : { log: knexLog(logger) };
  return location.kind === 'sqlite' ? openSqlite(location.filename, log, logger) : openPostgres(location, options, log);
}

/**
 * SQLite through better-sqlite3: synchronous calls into SQLite cost a few microseconds, where the asynchronous
 * sqlite3 driver pays a thread-pool round trip per statement. WAL with synchronous=FULL: a committed change
 * survives a crash of the process and of the machine.
 */
function openSqlite(filename: string, log: Pick<Knex.Config, 'log'>, logger: Logger | undefined): Knex {
  if (filename === ':memory:') return openSqliteAt(filename, log);
  ensureUsableDatabaseFile(filename);
  const db = openSqliteAt(filename, log);
  rememberOpenedFile(db, filename);
  watchWriteAheadLog(db, filename, (path) =>
    logger?.warn(
      { file: path },
      'the SQLite write-ahead log or its index was deleted or replaced while the service ran: what the log held was written into the database file and a new log begun',
    ),
  );
  return db;
}

function openSqliteAt(filename: string, log: Pick<Knex.Config, 'log'>): Knex {
  return knex({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    ...log,
    pool: {
      min: 1,
      max: 1,
      afterCreate(connection: Database, done: (error: Error | null, connection: unknown) => void) {
        try {
          connection.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
          addCaseFolding(connection);
          keepCompiledStatements(connection);
          done(null, connection);
        } catch (error) {
          done(error as Error, connection);
        }
      },
    },
  });
}

/**
 * How long a new connection may take to be answered. A server that takes the TCP connection and never answers (a
 * half-open network path, a proxy with no server behind it) would otherwise hold startup, and a shutdown during it,
 * for as long as the pool waits (60 s). A request that needed the connection then fails (500) at once; readiness has
 * called such a database down after 2 s already.
 */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

function openPostgres(
  location: { connectionString: string; schema?: string },
  { connections = POSTGRES_POOL_SIZE, answerDeadlineMs, plannedStatements = false }: PoolOptions,
  log: Pick<Knex.Config, 'log'>,
): Knex {
  sendDatesAsUtc();
  const pool = (setting?: string) =>
    knex({
      client: 'pg',
      connection: { connectionString: location.connectionString, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS },
      ...(location.schema ? { searchPath: [location.schema] } : {}),
      pool: {
        min: 0,
        max: connections,
        afterCreate(connection: WatchedClient, done: (error: Error | null, connection: unknown) => void) {
          if (answerDeadlineMs !== undefined) closeWhenSilent(connection, answerDeadlineMs);
          if (setting === undefined) done(null, connection);
          else connection.query(setting, (error: Error | null) => done(error, connection));
        },
      },
      ...log,
    });
  const db = pool();
  if (!plannedStatements) return db;
  const planned = pool(PLANNED_ONCE);
  plannedPools.set(db, planned);
  // Knex's `destroy` is its client's: destroying the database closes both pools.
  const client = db.client as { destroy(callback?: unknown): Promise<void> };
  const destroyOwn = client.destroy.bind(client);
  client.destroy = async (callback) => {
    await planned.destroy();
    return destroyOwn(callback);
  };
  return db;
}

/**
 * node-postgres writes a `Date` in the process's local time by default, with an offset in whole minutes: in a
 * zone whose offset then had seconds (local mean time, before standard time: New York before 1883), the seconds
 * were lost on every write. In UTC the instant goes exactly, whatever the process's zone.
 */
function sendDatesAsUtc(): void {
  pg.defaults.parseInputDatesAsUTC = true;
}
