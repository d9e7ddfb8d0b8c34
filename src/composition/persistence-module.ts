import { ContainerModule } from 'inversify';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../adapters/config/config.js';
import type { ServiceMetrics } from '../adapters/observability/service-metrics.js';
import {
  DatabaseOutages,
  watchedCampaignHistory,
  watchedCampaignReader,
  watchedUnitOfWork,
} from '../adapters/persistence/database-outages.js';
import { KnexCampaignHistory } from '../adapters/persistence/knex/knex-campaign-history.js';
import { KnexCampaignReader } from '../adapters/persistence/knex/knex-campaign-reader.js';
import { KnexDatabaseProbe } from '../adapters/persistence/knex/knex-database-probe.js';
import { KnexIdempotencyJanitor } from '../adapters/persistence/knex/knex-idempotency-janitor.js';
import { KnexOutboxJanitor } from '../adapters/persistence/knex/knex-outbox-janitor.js';
import { serviceUnitOfWork } from '../adapters/persistence/service-unit-of-work.js';
import { InProcessOutboxSignal } from '../adapters/system/in-process-outbox-signal.js';
import type { OutboxSignal } from '../application/index.js';
import { TYPES } from './types.js';

const HOUR_MS = 3_600_000;

/**
 * The service's reads and writes of campaigns, each failing as DatabaseUnavailable when the database cannot take
 * it, and what keeps its tables small.
 */
export const persistenceModule = new ContainerModule(({ bind }) => {
  // Rung by the units of work after a commit that appended events; a container without them has no signal.
  bind(TYPES.OutboxSignal)
    .toResolvedValue(() => new InProcessOutboxSignal())
    .inSingletonScope();
  bind(TYPES.DatabaseWriteOutages)
    .toResolvedValue((logger: Logger) => new DatabaseOutages(logger, 'writes'), [TYPES.Logger])
    .inSingletonScope();
  bind(TYPES.DatabaseReadOutages)
    .toResolvedValue((logger: Logger) => new DatabaseOutages(logger, 'reads'), [TYPES.Logger])
    .inSingletonScope();
  bind(TYPES.UnitOfWork)
    .toResolvedValue(
      (db: Knex, signal: OutboxSignal, config: ServiceConfig, metrics: ServiceMetrics, outages: DatabaseOutages) =>
        watchedUnitOfWork(
          serviceUnitOfWork(config.database.kind, db, signal, {
            guardUnits: !config.production,
            onCommit: (seconds) => metrics.sqliteCommitDuration.observe(seconds),
          }),
          outages,
        ),
      [TYPES.Database, TYPES.OutboxSignal, TYPES.Config, TYPES.Metrics, TYPES.DatabaseWriteOutages],
    )
    .inSingletonScope();
  bind(TYPES.CampaignReader)
    .toResolvedValue(
      (db: Knex, outages: DatabaseOutages) => watchedCampaignReader(new KnexCampaignReader(db), outages),
      [TYPES.Database, TYPES.DatabaseReadOutages],
    )
    .inSingletonScope();
  bind(TYPES.CampaignHistory)
    .toResolvedValue(
      (db: Knex, outages: DatabaseOutages) => watchedCampaignHistory(new KnexCampaignHistory(db), outages),
      [TYPES.Database, TYPES.DatabaseReadOutages],
    )
    .inSingletonScope();
  bind(TYPES.DatabaseProbe)
    .toResolvedValue((db: Knex) => new KnexDatabaseProbe(db), [TYPES.ProbeDatabase])
    .inSingletonScope();
  bind(TYPES.IdempotencyJanitor)
    .toResolvedValue(
      (db: Knex, config: ServiceConfig) => new KnexIdempotencyJanitor(db, config.idempotencyRetentionHours * HOUR_MS),
      [TYPES.Database, TYPES.Config],
    )
    .inSingletonScope();
  bind(TYPES.OutboxJanitor)
    .toResolvedValue(
      (db: Knex, config: ServiceConfig) => new KnexOutboxJanitor(db, config.outboxRetentionHours * HOUR_MS),
      [TYPES.Database, TYPES.Config],
    )
    .inSingletonScope();
});
