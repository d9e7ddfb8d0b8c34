import { ContainerModule } from 'inversify';
import type { Knex } from 'knex';
import { CountingStartRefusals } from '../adapters/observability/counting-start-refusals.js';
import { CountingUnitOfWork } from '../adapters/observability/counting-unit-of-work.js';
import { MeasuredEventPublisher } from '../adapters/observability/measured-event-publisher.js';
import type { OutboxBacklogSource } from '../adapters/observability/relay-status.js';
import { RelayStatusTracker } from '../adapters/observability/relay-status-tracker.js';
import { ServiceMetrics } from '../adapters/observability/service-metrics.js';
import { KnexOutboxBacklog } from '../adapters/persistence/knex/knex-outbox-backlog.js';
import { writesOn } from '../adapters/persistence/knex/write-share.js';
import { TYPES } from './types.js';

/**
 * Metrics for one service instance, and what feeds them: counting wrappers around the unit of work and the
 * start use case, a timing wrapper around the relay's publisher, and a tracker listening in on the relay's log.
 */
export const observabilityModule = new ContainerModule(({ bind, onActivation }) => {
  bind(TYPES.OutboxBacklog)
    .toResolvedValue((db: Knex) => new KnexOutboxBacklog(db), [TYPES.ProbeDatabase])
    .inSingletonScope();
  bind(TYPES.Metrics)
    .toResolvedValue(
      (backlog: OutboxBacklogSource, db: Knex) => new ServiceMetrics(backlog, () => writesOn(db)),
      [TYPES.OutboxBacklog, TYPES.Database],
    )
    .inSingletonScope();
  bind(TYPES.RelayStatus)
    .toResolvedValue((metrics: ServiceMetrics) => new RelayStatusTracker(metrics), [TYPES.Metrics])
    .inSingletonScope();
  onActivation(
    TYPES.UnitOfWork,
    (context, unitOfWork) => new CountingUnitOfWork(unitOfWork, context.get(TYPES.Metrics)),
  );
  onActivation(TYPES.StartCampaign, (context, start) => new CountingStartRefusals(start, context.get(TYPES.Metrics)));
  onActivation(
    TYPES.EventPublisher,
    (context, publisher) => new MeasuredEventPublisher(publisher, context.get(TYPES.Metrics)),
  );
  onActivation(TYPES.RelayLog, (context, log) => context.get(TYPES.RelayStatus).listeningTo(log));
});
