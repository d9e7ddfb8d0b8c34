import knex, { type Knex } from 'knex';
import { ensureUsableDatabaseFile } from '../sqlite/writable-file.js';
import { addCaseFolding, type SqliteFunctions } from './case-folding.js';

export type DatabaseLocation =
  | { kind: 'sqlite'; filename: string }
  | { kind: 'postgres'; connectionString: string; schema?: string };

export function openDatabase(location: DatabaseLocation): Knex {
  return location.kind === 'sqlite' ? openSqlite(location.filename) : openPostgres(location);
}

/**
 * SQLite through better-sqlite3: synchronous calls into SQLite cost a few microseconds, where the asynchronous
 * sqlite3 driver pays a thread-pool round trip per statement. WAL with synchronous=FULL: a committed change
 * survives a crash of the process and of the machine.
 */
function openSqlite(filename: string): Knex {
  if (filename !== ':memory:') ensureUsableDatabaseFile(filename);
  return knex({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(connection: SqliteConnection, done: (error: Error | null, connection: unknown) => void) {
        try {
          connection.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
          addCaseFolding(connection);
          done(null, connection);
        } catch (error) {
          done(error as Error, connection);
        }
      },
    },
  });
}

function openPostgres(location: { connectionString: string; schema?: string }): Knex {
  return knex({
    client: 'pg',
    connection: { connectionString: location.connectionString },
    ...(location.schema ? { searchPath: [location.schema] } : {}),
    pool: { min: 0, max: 10 },
  });
}

interface SqliteConnection extends SqliteFunctions {
  exec(sql: string): void;
}
