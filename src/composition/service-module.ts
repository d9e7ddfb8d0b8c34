import { ContainerModule } from 'inversify';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../adapters/config/config.js';
import { ReadinessCheck } from '../adapters/observability/readiness-check.js';
import type { OutboxBacklogSource } from '../adapters/observability/relay-status.js';
import type { RelayStatusTracker } from '../adapters/observability/relay-status-tracker.js';
import type { DatabaseOutages } from '../adapters/persistence/database-outages.js';
import type { KnexDatabaseProbe } from '../adapters/persistence/knex/knex-database-probe.js';
import type { KnexIdempotencyJanitor } from '../adapters/persistence/knex/knex-idempotency-janitor.js';
import type { KnexOutboxJanitor } from '../adapters/persistence/knex/knex-outbox-janitor.js';
import type { RunSchedule } from '../application/index.js';
import { PeriodicPruning } from './periodic-pruning.js';
import { relayRunsInProcess } from './relay-process.js';
import { ScheduleLoop } from './schedule-loop.js';
import { ShutdownState } from './shutdown-state.js';
import { TYPES } from './types.js';

const HOUR_MS = 3_600_000;

/** What runs for as long as the service does beside the HTTP server: readiness, the prunings, the schedule loop. */
export const serviceModule = new ContainerModule(({ bind }) => {
  bind(TYPES.ShutdownState)
    .toResolvedValue(() => new ShutdownState())
    .inSingletonScope();
  bind(TYPES.Readiness)
    .toResolvedValue(
      (
        probe: KnexDatabaseProbe,
        backlog: OutboxBacklogSource,
        relay: RelayStatusTracker,
        shutdown: ShutdownState,
        config: ServiceConfig,
        writes: DatabaseOutages,
      ) =>
        new ReadinessCheck({
          database: probe,
          backlog,
          relay: relayRunsInProcess(config) ? relay : undefined,
          stopping: () => shutdown.stopping,
          writes,
        }),
      [
        TYPES.DatabaseProbe,
        TYPES.OutboxBacklog,
        TYPES.RelayStatus,
        TYPES.ShutdownState,
        TYPES.Config,
        TYPES.DatabaseWriteOutages,
      ],
    )
    .inSingletonScope();
  bind(TYPES.IdempotencyKeyPruning)
    .toResolvedValue(
      (janitor: KnexIdempotencyJanitor, logger: Logger) =>
        new PeriodicPruning('idempotency keys', janitor, HOUR_MS, logger),
      [TYPES.IdempotencyJanitor, TYPES.Logger],
    )
    .inSingletonScope();
  bind(TYPES.OutboxPruning)
    .toResolvedValue(
      (janitor: KnexOutboxJanitor, logger: Logger) => new PeriodicPruning('outbox', janitor, HOUR_MS, logger),
      [TYPES.OutboxJanitor, TYPES.Logger],
    )
    .inSingletonScope();
  bind(TYPES.ScheduleLoop)
    .toResolvedValue(
      (schedule: RunSchedule, config: ServiceConfig, logger: Logger) =>
        new ScheduleLoop(schedule, config.scheduler.intervalMs, logger),
      [TYPES.RunSchedule, TYPES.Config, TYPES.Logger],
    )
    .inSingletonScope();
});
