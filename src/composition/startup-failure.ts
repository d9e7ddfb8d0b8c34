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

/** Codes by which a failed `listen` says the address it was given is not one to listen on. */
const NOT_AN_ADDRESS_HERE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL']);
/** Codes by which a failed `listen` says the name it was given does not resolve. */
const NAME_NOT_RESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);

/**
 * What a failed `listen` says about the settings, by its code alone: the port being taken is said on its own, and a
 * failure that is neither the address nor the port (out of file descriptors, say) is passed on as it is.
 */
function listenFailure(error: unknown, config: Pick<ServiceConfig, 'host' | 'port'>): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'EACCES' || code === 'EPERM') {
    return new StartupFailure('PORT', `port ${config.port} may not be listened on by this user`, error);
  }
  if (config.host === undefined) return error;
  if (NOT_AN_ADDRESS_HERE.has(code)) {
    return new StartupFailure('HOST', `${config.host} is not an address this machine can listen on`, error);
  }
  if (NAME_NOT_RESOLVED.has(code)) {
    return new StartupFailure('HOST', `${config.host} does not resolve to an address`, error);
  }
  return error;
}

/** A `catch` handler that throws what a failed `listen` (or the port check before it) says about the settings. */
export function throwListenFailure(config: Pick<ServiceConfig, 'host' | 'port'>): (error: unknown) => never {
  return (error) => {
    throw listenFailure(error, config);
  };
}
