import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

/** What a copy of the database holds, read from the copy itself once it is written. */
export interface CopyContents {
  /** `ok`, or the first problems SQLite's integrity check found. */
  integrity: string;
  campaigns: number;
  events: number;
  unpublishedEvents: number;
}

export class CopyRefused extends Error {
  override readonly name = 'CopyRefused';
}

/**
 * Writes a consistent copy of the SQLite database at `source` to `target`, while the service may be writing to it:
 * `VACUUM INTO` reads one snapshot (a read transaction, which in WAL mode holds no writer back), so the copy has
 * every change committed before it began and none after, the write-ahead log's included. Copying the file alone
 * misses what the log holds; copying the file and then the log may pair a log with a file it does not belong to.
 */
export function copyDatabase(source: string, target: string): CopyContents {
  if (!existsSync(source)) throw new CopyRefused(`there is no database at ${source}`);
  if (existsSync(target)) throw new CopyRefused(`${target} exists already: give a path that does not`);
  const database = new Database(source, { fileMustExist: true });
  try {
    database.pragma('busy_timeout = 5000');
    database.prepare('VACUUM INTO ?').run(target);
  } finally {
    database.close();
  }
  return contentsOf(target);
}

/** Checks a database file (a copy before it is put in place, say) and tells what it holds; changes nothing. */
export function contentsOf(file: string): CopyContents {
  if (!existsSync(file)) throw new CopyRefused(`there is no database at ${file}`);
  const database = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const problems = database.pragma('integrity_check(5)', { simple: false }) as Array<{ integrity_check: string }>;
    const count = (sql: string) => Number((database.prepare(sql).pluck().get() as number | bigint) ?? 0);
    return {
      integrity: problems.map((row) => row.integrity_check).join('; '),
      campaigns: count('SELECT count(*) FROM campaigns'),
      events: count('SELECT count(*) FROM outbox'),
      unpublishedEvents: count('SELECT count(*) FROM outbox WHERE published_at IS NULL'),
    };
  } finally {
    database.close();
  }
}
