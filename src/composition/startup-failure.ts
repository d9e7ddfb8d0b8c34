import type { Knex } from 'knex';
import type { ServiceConfig } from '../adapters/config/config.js';
import { oneLineCause } from '../adapters/logging/one-line-cause.js';
import { migrateToLatest } from '../adapters/persistence/migrations/index.js';
import { DatabaseFileUnusable } from '../adapters/persistence/sqlite/writable-file.js';

/**
 * Starting failed for a reason outside the process, which the operator mends where `setting` points: a database
 * that does not answer or refuses the user, an address that cannot be listened on, a data directory that cannot
 * be written. Said in one line, never as a stack trace.
 */
export class StartupFailure extends Error {
  /** The cause as one line, without stacks. */
  readonly reason: string;

  constructor(
    readonly setting: string,
    readonly what: string,
    cause: unknown,
  ) {
    const reason = oneLineCause(cause);
    super(`${what} (check ${setting}): ${reason}`, { cause });
    this.reason = reason;
  }
}

/** Migrates the database, or fails naming the settings that point at it. */
export async function migrateOrExplain(db: Knex, config: ServiceConfig): Promise<string[]> {
  try {
    return await migrateToLatest(db);
  } catch (error) {
    if (error instanceof DatabaseFileUnusable) throw error;
    const { database } = config;
    throw database.kind === 'postgres'
      ? new StartupFailure(
          database.schema === undefined ? 'DATABASE_URL' : 'DATABASE_URL and DATABASE_SCHEMA',
          'PostgreSQL cannot be used',
          error,
        )
      : new StartupFailure('DATABASE_URL', `the SQLite database ${database.filename} cannot be used`, error);
  }
}

/** What a failed `listen` says about the settings, when it is not the port being taken (said on its own). */
function listenFailure(error: unknown, config: Pick<ServiceConfig, 'host' | 'port'>): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new StartupFailure('PORT', `port ${config.port} may not be listened on by this user`, error);
  }
  if (config.host !== undefined && code !== 'EADDRINUSE') {
    return new StartupFailure('HOST', `${config.host} is not an address of this machine`, error);
  }
  return error;
}

/** A `catch` handler that throws what a failed `listen` (or the port check before it) says about the settings. */
export function throwListenFailure(config: Pick<ServiceConfig, 'host' | 'port'>): (error: unknown) => never {
  return (error) => {
    throw listenFailure(error, config);
  };
}
