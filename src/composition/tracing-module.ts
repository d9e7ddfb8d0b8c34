import { ContainerModule } from 'inversify';
import { TracedEventPublisher } from '../adapters/tracing/traced-event-publisher.js';
import { TracedUnitOfWork } from '../adapters/tracing/traced-unit-of-work.js';
import { tracedUseCases } from '../adapters/tracing/traced-use-cases.js';
import { TYPES } from './types.js';

/**
 * Spans for the use cases, the units of work and the relay's publishes: wrappers around the same ports, so the
 * application knows nothing of tracing. Requests get theirs from the HTTP app, the scheduler's changes from
 * `inTraceOfItsOwn`, and the group commit's batches from the SQLite unit of work.
 */
export const tracingModule = new ContainerModule(({ onActivation }) => {
  onActivation(TYPES.UnitOfWork, (context, unitOfWork) =>
    new TracedUnitOfWork(unitOfWork, context.get(TYPES.Config).database.kind === 'sqlite' ? 'sqlite' : 'postgresql'),
  );
  onActivation(TYPES.CampaignUseCases, (_context, useCases) => tracedUseCases(useCases));
  onActivation(TYPES.EventPublisher, (context, publisher) =>
    new TracedEventPublisher(publisher, context.get(TYPES.Config).kafka?.topic ?? 'campaign-events'),
  );
});
