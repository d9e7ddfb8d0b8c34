import { ContainerModule } from 'inversify';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../adapters/config/config.js';
import { openDatabase } from '../adapters/persistence/knex/open-database.js';
import { TYPES } from './types.js';

/**
 * Connections of PostgreSQL's own for the readiness probe and the backlog that `/health/ready` and `/metrics` read:
 * the service's pool can be full of slow reads while the database answers, and the probes must say so.
 */
const PROBE_CONNECTIONS = 2;

/** The migrations' lock is held on a connection of its own while they run on another (migration-lock.ts). */
const MIGRATION_CONNECTIONS = 2;

/**
 * The database, and the signal a commit that appended events rings for a relay in the same process: what the
 * service and `npm run relay` both need. On PostgreSQL the database keeps a second pool for the statements prepared
 * once (the units of work's, the relay's mark), whose sessions plan them once (`plannedStatementsPool`). The probes'
 * database is a pool of its own on PostgreSQL, and the one
 * database on SQLite, whose reads hold the event loop anyway. On PostgreSQL a statement the server leaves
 * unanswered past DATABASE_ANSWER_TIMEOUT_MS loses its connection, except a migration's (a connection of its own),
 * which may rightly be silent longer while it rewrites a large table.
 */
export const databaseModule = new ContainerModule(({ bind }) => {
  bind(TYPES.Database)
    .toResolvedValue(
      (config: ServiceConfig, logger: Logger) =>
        openDatabase(config.database, logger, {
          answerDeadlineMs: config.databaseAnswerTimeoutMs,
          plannedStatements: true,
        }),
      [TYPES.Config, TYPES.Logger],
    )
    .inSingletonScope();
  bind(TYPES.ProbeDatabase)
    .toResolvedValue(
      (config: ServiceConfig, logger: Logger, db: Knex) =>
        config.database.kind === 'postgres'
          ? openDatabase(config.database, logger, {
              connections: PROBE_CONNECTIONS,
              answerDeadlineMs: config.databaseAnswerTimeoutMs,
            })
          : db,
      [TYPES.Config, TYPES.Logger, TYPES.Database],
    )
    .inSingletonScope();
  bind(TYPES.MigrationDatabase)
    .toResolvedValue(
      (config: ServiceConfig, logger: Logger, db: Knex) =>
        config.database.kind === 'postgres'
          ? openDatabase(config.database, logger, { connections: MIGRATION_CONNECTIONS })
          : db,
      [TYPES.Config, TYPES.Logger, TYPES.Database],
    )
    .inSingletonScope();
});
