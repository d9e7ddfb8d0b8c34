import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { makeDirectories } from '../../system/directories.js';

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
 * Checks, before the pool opens it, that SQLite can create or open `filename` for writing, write its journal
 * files (`-wal`, `-shm`) beside it and read it as a database; otherwise the first write would fail deep inside
 * a migration, with an error that names neither the file nor the cause.
 */
export function ensureUsableDatabaseFile(filename: string): void {
  ensureWritable(filename);
  try {
    const probe = new Database(filename);
    try {
      probe.pragma('schema_version');
    } finally {
      probe.close();
    }
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    throw new DatabaseFileUnusable(filename, code !== undefined ? `${code}: ${message}` : message);
  }
}

function ensureWritable(filename: string): void {
  const directory = dirname(filename);
  try {
    makeDirectories(directory);
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
