import {
  type Attributes,
  context,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { type EventPublisher, PartlyPublished, type PendingEvent } from '../../application/index.js';
import { EventPublisherDecorator } from '../messaging/event-publisher-decorator.js';
import { markFailed, serviceTracer, spansExported } from './spans.js';
import { activeTraceContext, spanContextOf } from './trace-context.js';

/** Events whose `create` span is kept for their next attempt: more than a relay has in flight and retrying. */
const CREATED_KEPT = 20_000;

/**
 * The relay's publish of a batch, after the OpenTelemetry messaging conventions for batch sending: a `send` span
 * (PRODUCER) of its own trace for each attempt, and for each event one `create` span in the trace that produced
 * the event (the request's, kept with the outbox row), linked from every `send` span that carried it. The message
 * carries its `create` span's context, the same in every attempt and every repeat, so a consumer continues the
 * request's trace, and the gap between the unit of work and the `create` span is the time the event waited in the
 * outbox. A failed attempt fails its `send` span; the message was made all the same.
 *
 * An event without a readable context (written before the outbox kept them) carries the `send` span's, so every
 * message has a `ce_traceparent`. Used when spans are exported; TraceCarryingEventPublisher otherwise.
 */
export class TracedEventPublisher extends EventPublisherDecorator {
  private readonly attributes: Attributes;
  /** The `create` span of each event published here and not acknowledged yet, by event id, oldest first. */
  private readonly created = new Map<string, SpanContext>();

  constructor(
    inner: EventPublisher,
    private readonly topic: string,
    private readonly tracer: Tracer = serviceTracer,
    private readonly exporting: () => boolean = spansExported,
  ) {
    super(inner);
    this.attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': topic };
  }

  async publish(events: readonly PendingEvent[]): Promise<void> {
    const exporting = this.exporting();
    const creates = events.map((event) => (exporting ? this.createdFor(event) : undefined));
    const send = this.tracer.startSpan(
      `send ${this.topic}`,
      {
        kind: SpanKind.PRODUCER,
        root: true,
        links: creates.filter((made): made is SpanContext => made !== undefined).map((made) => ({ context: made })),
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
          traceContext: activeTraceContext(trace.setSpanContext(ROOT_CONTEXT, create)) ?? event.traceContext,
        };
      if (event.traceContext !== undefined && spanContextOf(event.traceContext) !== undefined) return event;
      const own = activeTraceContext(sending);
      return own === undefined ? event : { ...event, traceContext: own };
    });
    try {
      await context.with(sending, () => this.inner.publish(carried));
      this.forget(events);
    } catch (error) {
      if (error instanceof PartlyPublished) this.forget(error.acknowledged);
      markFailed(send, error);
      throw error;
    } finally {
      send.end();
    }
  }

  private forget(acknowledged: readonly PendingEvent[]): void {
    for (const event of acknowledged) this.created.delete(event.eventId);
  }

  /** The event's `create` span: the one made at its first attempt, or one made now (ended at once). */
  private createdFor(event: PendingEvent): SpanContext | undefined {
    const made = this.created.get(event.eventId);
    if (made !== undefined) return made;
    const producer = event.traceContext === undefined ? undefined : spanContextOf(event.traceContext);
    if (producer === undefined) return undefined;
    const span = this.tracer.startSpan(
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
    span.end();
    const createdContext = span.spanContext();
    this.created.set(event.eventId, createdContext);
    if (this.created.size > CREATED_KEPT) this.created.delete(this.created.keys().next().value!);
    return createdContext;
  }
}
