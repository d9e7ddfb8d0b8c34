import { ContainerModule } from 'inversify';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../adapters/config/config.js';
import { openDatabase } from '../adapters/persistence/knex/open-database.js';
import { InProcessOutboxSignal } from '../adapters/system/in-process-outbox-signal.js';
import { TYPES } from './types.js';

/**
 * The database, and the signal a commit that appended events rings for a relay in the same process: what the
 * service and `npm run relay` both need.
 */
export const databaseModule = new ContainerModule(({ bind }) => {
  bind(TYPES.Database)
    .toResolvedValue(
      (config: ServiceConfig, logger: Logger) => openDatabase(config.database, logger),
      [TYPES.Config, TYPES.Logger],
    )
    .inSingletonScope();
  bind(TYPES.OutboxSignal)
    .toResolvedValue(() => new InProcessOutboxSignal())
    .inSingletonScope();
});
