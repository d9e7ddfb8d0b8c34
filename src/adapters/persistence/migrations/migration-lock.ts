import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import type { Knex } from 'knex';

const POLL_MS = 50;
const SQLITE_WAIT_LIMIT_MS = 120_000;
/**
 * A lock file that names no process this long after it was made was left by one that could not write its pid (a
 * full disk) or died between making the file and writing it: no migration holds it.
 */
export const NAMELESS_LOCK_ABANDONED_MS = 2_000;

/**
 * Runs `work` (the migrations) while holding a lock that every other instance migrating the same database
 * waits on, so Knex's bookkeeping tables are never created twice at once. PostgreSQL: an advisory lock keyed
 * by the schema, held on a connection of its own and freed by the server if the process dies; it is asked for
 * without waiting, again and again, so no statement waits for it and a `statement_timeout` or `lock_timeout` set
 * on the role cannot fail an instance whose turn has not come yet. SQLite: a lock file beside the database holding
 * the owner's pid, taken over when that process no longer exists.
 */
export async function whileHoldingMigrationLock<T>(db: Knex, work: () => Promise<T>): Promise<T> {
  if (db.client.config.client === 'pg') return withAdvisoryLock(db, work);
  const filename = (db.client.config.connection as { filename?: string }).filename;
  if (filename === undefined || filename === ':memory:') return work();
  return withLockFile(`${filename}.migration-lock`, work);
}

async function withAdvisoryLock<T>(db: Knex, work: () => Promise<T>): Promise<T> {
  const connection = await db.client.acquireConnection();
  const key = db.raw(`hashtext('campaign-service migrations ' || COALESCE(current_schema(), ''))`);
  try {
    while (!(await tookAdvisoryLock(db, key, connection))) await pause(POLL_MS);
    try {
      return await work();
    } finally {
      await db.raw('SELECT pg_advisory_unlock(?)', [key]).connection(connection);
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}

async function tookAdvisoryLock(db: Knex, key: Knex.Raw, connection: unknown): Promise<boolean> {
  const { rows } = await db.raw('SELECT pg_try_advisory_lock(?) AS taken', [key]).connection(connection);
  return rows[0].taken === true;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withLockFile<T>(path: string, work: () => Promise<T>): Promise<T> {
  const giveUpAt = performance.now() + SQLITE_WAIT_LIMIT_MS;
  while (!tryCreate(path)) {
    if (performance.now() > giveUpAt)
      throw new Error(`migrations of ${path.replace(/\.migration-lock$/, '')} stayed locked by ${path}`);
    await pause(POLL_MS);
  }
  try {
    return await work();
  } finally {
    unlinkSync(path);
  }
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    removeIfOwnerIsGone(path);
    return false;
  }
  try {
    writeSync(fd, String(process.pid));
  } catch (error) {
    // A lock that names no owner would hold every later start until it is seen as abandoned.
    unlinkSync(path);
    throw error;
  } finally {
    closeSync(fd);
  }
  return true;
}

function removeIfOwnerIsGone(path: string): void {
  let owner: number;
  let madeAt: number;
  try {
    owner = Number(readFileSync(path, 'utf8'));
    madeAt = statSync(path).mtimeMs;
  } catch {
    return;
  }
  const named = Number.isInteger(owner) && owner > 0;
  if (named ? isAlive(owner) : Date.now() - madeAt < NAMELESS_LOCK_ABANDONED_MS) return;
  try {
    unlinkSync(path);
  } catch {
    // Another waiter removed it first.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
