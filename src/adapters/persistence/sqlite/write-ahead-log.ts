import { type Stats, statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { Knex } from 'knex';
import { causeCodes } from '../../logging/one-line-cause.js';

/**
 * The write-ahead log or its index was deleted or replaced under the service, and a new one could not be begun
 * (another process has the database open): a change written now would be in a log no restart reads.
 */
export class WriteAheadLogLost extends Error {
  override readonly name = 'WriteAheadLogLost';
  /**
   * The message for answers that need no token: the file by its kind, and why by the cause's classes and codes,
   * since the cause's own message may name a file too (SQLite's and Node's name the path they could not open).
   */
  readonly withoutPath: string;

  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(lostMessage(file, cause instanceof Error ? cause.message : String(cause)), { cause });
    this.withoutPath = lostMessage("beside DATABASE_URL's (-wal or -shm)", causeCodes(cause));
  }
}

function lostMessage(file: string, why: string): string {
  return `the SQLite write-ahead log's file ${file} was deleted or replaced while the service ran, and no new one could be begun (${why}): stop every process that has the database open and start the service again`;
}

/**
 * SQLite's write-ahead log and its index (`-wal`, `-shm`) at their paths, as the service's connection uses them. A
 * log deleted under a running service goes on taking commits in the file the connection has open, which no other
 * process sees and a crash loses, with every commit since the last checkpoint; another process that opens the
 * database meanwhile begins a log or an index of its own, and reads a database that lacks them.
 */
class WatchedLog {
  private readonly known = new Map<string, Pick<Stats, 'dev' | 'ino'>>();
  private readonly paths: readonly string[];

  constructor(
    databasePath: string,
    private readonly onRestored: (path: string) => void,
  ) {
    this.paths = [`${databasePath}-wal`, `${databasePath}-shm`];
  }

  /**
   * Makes sure the log and index the connection uses are the files at their paths. If not, leaving write-ahead
   * logging writes what the connection's log holds into the database file and ends that log; taking it up again
   * begins a new log and index at the paths. SQLite refuses to leave it while another connection has the database
   * open.
   */
  keep(connection: Database): void {
    const lost = this.paths.find((path) => this.lost(path));
    if (lost === undefined) return;
    try {
      const mode = connection.pragma('journal_mode = DELETE', { simple: true });
      if (mode !== 'delete') throw new Error(`the journal stayed in ${String(mode)} mode`);
    } catch (error) {
      throw new WriteAheadLogLost(lost, error);
    }
    connection.pragma('journal_mode = WAL');
    connection.prepare('SELECT count(*) FROM sqlite_master').get();
    this.known.clear();
    for (const path of this.paths) this.lost(path);
    this.onRestored(lost);
  }

  /** The files are made when the connection first reads the database: each is known from the first check after. */
  private lost(path: string): boolean {
    const now = statSync(path, { throwIfNoEntry: false });
    const known = this.known.get(path);
    if (known !== undefined && (now === undefined || now.dev !== known.dev || now.ino !== known.ino)) return true;
    if (now !== undefined) this.known.set(path, now);
    return false;
  }
}

const watchedLogs = new WeakMap<Knex, WatchedLog>();

/** Watches the write-ahead log and its index of the SQLite database `db` opened at `databasePath`. */
export function watchWriteAheadLog(db: Knex, databasePath: string, onRestored: (path: string) => void): void {
  watchedLogs.set(db, new WatchedLog(databasePath, onRestored));
}

/**
 * Before work on `connection`, the connection of `db`: begins a new write-ahead log if its log or index was deleted
 * or replaced, once what it held is in the database file; throws WriteAheadLogLost if that cannot be done. Nothing for
 * PostgreSQL.
 */
export function keepWriteAheadLog(db: Knex, connection: unknown): void {
  watchedLogs.get(db)?.keep(connection as Database);
}

/** The same, on a connection of `db`'s own pool: for work that does not hold one already, such as a probe. */
export async function keepWriteAheadLogOf(db: Knex): Promise<void> {
  if (!watchedLogs.has(db)) return;
  const connection = await db.client.acquireConnection();
  try {
    keepWriteAheadLog(db, connection);
  } finally {
    await db.client.releaseConnection(connection);
  }
}
