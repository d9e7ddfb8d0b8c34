/**
 * Whether an error of a database driver means the database could not take the work now, rather than that the work
 * was wrong: not reachable, silent past its deadline, shutting down, out of connections or of disk, busy past the
 * wait, read-only. Work refused so may be tried again; the error says nothing of the campaign.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let link: unknown = error, depth = 0; link instanceof Error && depth < 8; depth++) {
    if (saysUnavailable(link)) return true;
    link = link.cause;
  }
  return false;
}

/**
 * PostgreSQL's SQLSTATEs of a server that refuses work it would take at another time: 08 connection exception (but
 * 08P01, a protocol violation), 53 insufficient resources (disk full, out of memory, too many connections), 58
 * system error (an I/O error on its files), 57P0x the server shutting down or starting, 57014 a statement cancelled
 * (statement_timeout, or an operator), 55P03 a lock not granted within lock_timeout, 25006 a read-only transaction
 * (a standby, or a primary demoted by a failover, or set read-only by its operator).
 */
const POSTGRES_STATE = /^(08(?!P01)...|53...|58...|57P0[1-5]|57014|55P03|25006)$/;

/** SQLite's result codes: busy past `busy_timeout`, out of disk, an I/O error, read-only, a file it cannot open. */
const SQLITE_CODE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|NOMEM|PROTOCOL)(_|$)/;

/** Node's socket errors on the way to the server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * What `pg` says, with no code, of a connection that ended or never began (knex puts the statement before it), and
 * knex's own error when no connection of its pool came free in time.
 */
const DRIVER_MESSAGE =
  /(Connection terminated( unexpectedly| due to connection timeout)?|timeout expired|is not queryable|timeout exceeded when trying to connect)$/;

function saysUnavailable(error: Error): boolean {
  if (UNAVAILABLE_NAMES.has(error.name)) return true;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string') {
    return POSTGRES_STATE.test(code) || SQLITE_CODE.test(code) || SOCKET_CODES.has(code);
  }
  return DRIVER_MESSAGE.test(error.message);
}

const DATABASE_SILENT = 'DatabaseSilent';

/**
 * knex's pool that gave no connection in time, the deadline above, a SQLite file moved away (opened-file.ts), and its
 * write-ahead log lost for good (write-ahead-log.ts).
 */
const UNAVAILABLE_NAMES = new Set(['KnexTimeoutError', DATABASE_SILENT, 'DatabaseFileMoved', 'WriteAheadLogLost']);

/** A connection closed because the database sent nothing for the deadline while a statement waited on it. */
export class DatabaseSilent extends Error {
  override readonly name = DATABASE_SILENT;
  constructor(deadlineMs: number) {
    super(`the database sent nothing for ${deadlineMs} ms while a statement waited: its connection was closed`);
  }
}
