import { ContainerModule } from 'inversify';
import { spansExported } from '../adapters/tracing/spans.js';
import { TraceCarryingEventPublisher } from '../adapters/tracing/trace-carrying-event-publisher.js';
import { TracedEventPublisher } from '../adapters/tracing/traced-event-publisher.js';
import { TraceCarryingUnitOfWork, TracedUnitOfWork } from '../adapters/tracing/traced-unit-of-work.js';
import { tracedUseCases } from '../adapters/tracing/traced-use-cases.js';
import { TYPES } from './types.js';

/**
 * Spans for the use cases, the units of work and the relay's publishes: wrappers around the same ports, so the
 * application knows nothing of tracing. Requests get theirs from the HTTP app, the scheduler's changes from
 * `inTraceOfItsOwn`, and the group commit's batches from the SQLite unit of work.
 *
 * With nothing exported (installTracing has run by then), no spans: the units of work and the relay's publishes
 * only carry the trace context as data, from the request (or scheduled change) to the outbox and the message.
 */
export const tracingModule = new ContainerModule(({ onActivation }) => {
  if (!spansExported()) {
    onActivation(TYPES.UnitOfWork, (_context, unitOfWork) => new TraceCarryingUnitOfWork(unitOfWork));
    onActivation(TYPES.EventPublisher, (_context, publisher) => new TraceCarryingEventPublisher(publisher));
    return;
  }
  onActivation(
    TYPES.UnitOfWork,
    (context, unitOfWork) =>
      new TracedUnitOfWork(unitOfWork, context.get(TYPES.Config).database.kind === 'sqlite' ? 'sqlite' : 'postgresql'),
  );
  onActivation(TYPES.CampaignUseCases, (_context, useCases) => tracedUseCases(useCases));
  onActivation(
    TYPES.EventPublisher,
    (context, publisher) =>
      new TracedEventPublisher(publisher, context.get(TYPES.Config).kafka?.topic ?? 'campaign-events'),
  );
});
