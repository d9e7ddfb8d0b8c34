import type { PendingEvent, TraceContext } from '../../application/index.js';
import { EventPublisherDecorator } from '../messaging/event-publisher-decorator.js';
import { isValidTraceparent, newTraceContext } from './carried-trace-context.js';

/**
 * The relay's publisher when nothing is exported: each message carries the trace context its outbox row kept; an
 * event without a readable one (written before the outbox kept them) gets a trace started for its batch's
 * publish, so every message has a `ce_traceparent`. No spans, no OpenTelemetry context.
 */
export class TraceCarryingEventPublisher extends EventPublisherDecorator {
  publish(events: readonly PendingEvent[]): Promise<void> {
    if (events.every(carriesTrace)) return this.inner.publish(events);
    const publishTrace: TraceContext = newTraceContext().traceContext;
    return this.inner.publish(
      events.map((event) => (carriesTrace(event) ? event : { ...event, traceContext: publishTrace })),
    );
  }
}

function carriesTrace(event: PendingEvent): boolean {
  return event.traceContext !== undefined && isValidTraceparent(event.traceContext.traceparent);
}
