import { accessSync, closeSync, constants, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** The SQLite database cannot be used: the file or its directory cannot be created, read or written. */
export class DatabaseFileUnusable extends Error {
  constructor(
    readonly file: string,
    readonly osError: string,
  ) {
    super(`The SQLite database file ${file} cannot be used: ${osError}`);
  }
}

/**
 * Checks, before any SQL runs, that SQLite can create or open `filename` for writing and write its journal
 * files (`-wal`, `-shm`) beside it; otherwise the first write would fail deep inside a migration.
 */
export function ensureWritableDatabaseFile(filename: string): void {
  const directory = dirname(filename);
  try {
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK | constants.X_OK);
    closeSync(openSync(filename, constants.O_RDWR | constants.O_CREAT));
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new DatabaseFileUnusable(filename, code !== undefined ? `${code}: ${osMessage(message)}` : message);
  }
}

/** "EACCES: permission denied, open '/x'" becomes "permission denied, open '/x'". */
function osMessage(message: string): string {
  return message.replace(/^[A-Z]+: /, '');
}
