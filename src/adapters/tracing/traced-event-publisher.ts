import { type Attributes, context, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { EventPublisher, PendingEvent } from '../../application/index.js';
import { EventPublisherDecorator } from '../messaging/event-publisher-decorator.js';
import { markFailed, spansExported, startEntrySpan } from './spans.js';
import { activeTraceContext, spanContextOf } from './trace-context.js';

/**
 * The relay's publish of a batch, after the OpenTelemetry messaging conventions for batch sending: a `send` span
 * (PRODUCER) of its own trace, and for each event a `create` span in the trace that produced the event (the
 * request's, kept with the outbox row), linked from the `send` span. The message carries its `create` span's
 * context, so a consumer continues the request's trace, and the gap between the unit of work and the `create`
 * span is the time the event waited in the outbox.
 *
 * An event without a readable context (written before the outbox kept them) carries the `send` span's, so every
 * message has a `ce_traceparent`. Used when spans are exported; TraceCarryingEventPublisher otherwise.
 */
export class TracedEventPublisher extends EventPublisherDecorator {
  private readonly attributes: Attributes;

  constructor(
    inner: EventPublisher,
    private readonly topic: string,
  ) {
    super(inner);
    this.attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': topic };
  }

  async publish(events: readonly PendingEvent[]): Promise<void> {
    const exporting = spansExported();
    const producers = events.map((event) =>
      event.traceContext === undefined ? undefined : spanContextOf(event.traceContext),
    );
    const creates = events.map((event, i) =>
      exporting && producers[i] !== undefined ? this.createSpan(event, producers[i]) : undefined,
    );
    const send = startEntrySpan(
      `send ${this.topic}`,
      {
        kind: SpanKind.PRODUCER,
        root: true,
        links: creates
          .filter((span): span is Span => span !== undefined)
          .map((span) => ({ context: span.spanContext() })),
        attributes: {
          ...this.attributes,
          'messaging.operation.name': 'send',
          'messaging.operation.type': 'send',
          'messaging.batch.message_count': events.length,
        },
      },
      ROOT_CONTEXT,
    );
    const sending = trace.setSpan(ROOT_CONTEXT, send);
    const carried = events.map((event, i) => {
      const create = creates[i];
      if (create !== undefined)
        return {
          ...event,
          traceContext: activeTraceContext(trace.setSpan(ROOT_CONTEXT, create)) ?? event.traceContext,
        };
      if (producers[i] !== undefined) return event;
      const own = activeTraceContext(sending);
      return own === undefined ? event : { ...event, traceContext: own };
    });
    try {
      await context.with(sending, () => this.inner.publish(carried));
    } catch (error) {
      for (const span of [send, ...creates]) if (span !== undefined) markFailed(span, error);
      throw error;
    } finally {
      send.end();
      for (const span of creates) span?.end();
    }
  }

  private createSpan(event: PendingEvent, producer: NonNullable<ReturnType<typeof spanContextOf>>): Span {
    return startEntrySpan(
      `create ${this.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          ...this.attributes,
          'messaging.operation.name': 'create',
          'messaging.operation.type': 'create',
          'messaging.message.id': event.eventId,
          'messaging.kafka.message.key': event.aggregateId,
        },
      },
      trace.setSpanContext(ROOT_CONTEXT, producer),
    );
  }
}
