import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { TracedEventPublisher } from '../../../../src/adapters/tracing/traced-event-publisher.js';
import type { PendingEvent } from '../../../../src/application/index.js';
import { RecordingPublisher } from '../../../fakes/recording-publisher.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const TOPIC = 'campaign-events';
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** An event whose producing request was traced (`producer`: that request's span id), or one without a context. */
function eventAt(sequence: number, traced: boolean): PendingEvent {
  return {
    sequence: BigInt(sequence),
    eventId: `event-${sequence}`,
    type: 'CampaignStarted',
    aggregateId: String(1000 + (sequence % 3)),
    occurredAt: new Date(0),
    payloadJson: '{}',
    ...(traced ? { traceContext: { traceparent: `00-${hex(sequence, 32)}-${hex(sequence, 16)}-01` } } : {}),
  };
}

/** The broker, keeping what each attempt carried, refused or not. */
class CarryingBroker extends RecordingPublisher {
  readonly carried: PendingEvent[][] = [];

  override publish(events: readonly PendingEvent[]): Promise<void> {
    this.carried.push([...events]);
    return super.publish(events);
  }
}

/** Batches sent in turn, each refused by the broker or taken; a refused batch is sent again until it is taken. */
const attempts = fc.array(
  fc.record({ size: fc.integer({ min: 1, max: 5 }), refusals: fc.nat(3), traced: fc.boolean() }),
  { minLength: 1, maxLength: 8 },
);

describe('The relay publishing with spans exported (generated batches and refusals)', () => {
  it("gives each event one create span, under its request's, carried by the message in every attempt; each attempt a send span linking them, failed when refused", async () => {
    await fc.assert(
      fc.asyncProperty(attempts, async (batches) => {
        const exporter = new InMemorySpanExporter();
        const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
        const broker = new CarryingBroker();
        const carried = broker.carried;
        const publisher = new TracedEventPublisher(broker, TOPIC, provider.getTracer('test'), () => true);
        let sequence = 0;
        let sends = 0;
        let refusedSends = 0;
        const events: PendingEvent[] = [];
        for (const { size, refusals, traced } of batches) {
          const batch = Array.from({ length: size }, () => eventAt(++sequence, traced));
          events.push(...batch);
          for (let refused = 0; refused <= refusals; refused++) {
            if (refused < refusals) broker.refuseAttempt(broker.attempts + 1);
            sends++;
            const published = publisher.publish(batch);
            if (refused < refusals) {
              refusedSends++;
              await expect(published).to.be.rejected;
            } else await published;
          }
        }

        const spans = exporter.getFinishedSpans();
        const creates = spans.filter((span) => span.name === `create ${TOPIC}`);
        const sendSpans = spans.filter((span) => span.name === `send ${TOPIC}`);
        expect(sendSpans).to.have.length(sends);
        expect(sendSpans.filter((span) => span.status.code === SpanStatusCode.ERROR)).to.have.length(refusedSends);
        const traced = events.filter((event) => event.traceContext !== undefined);
        expect(creates, 'one create span per traced event').to.have.length(traced.length);
        const createOf = new Map<string, ReadableSpan>();
        for (const create of creates) {
          expect(create.kind).to.equal(SpanKind.PRODUCER);
          expect(create.status.code, 'a made message is not a failure').to.equal(SpanStatusCode.UNSET);
          createOf.set(String(create.attributes['messaging.message.id']), create);
        }
        for (const event of traced) {
          const create = createOf.get(event.eventId)!;
          const [, traceId, producerSpanId] = event.traceContext!.traceparent.split('-');
          expect(create.spanContext().traceId).to.equal(traceId);
          expect(create.parentSpanContext?.spanId).to.equal(producerSpanId);
          const sentWith = carried.flat().filter((sent) => sent.eventId === event.eventId);
          for (const sent of sentWith) {
            expect(sent.traceContext?.traceparent, 'the same context in every attempt').to.equal(
              `00-${traceId}-${create.spanContext().spanId}-01`,
            );
          }
        }
        carried.forEach((batch, i) => {
          const linked = sendSpans[i]!.links.map((link) => link.context.spanId);
          const expected = batch
            .filter((event) => createOf.has(event.eventId))
            .map((event) => createOf.get(event.eventId)!.spanContext().spanId);
          expect(linked).to.deep.equal(expected);
          for (const event of batch) {
            if (!createOf.has(event.eventId)) {
              expect(event.traceContext?.traceparent.split('-')[1]).to.equal(sendSpans[i]!.spanContext().traceId);
            }
          }
        });
        await provider.shutdown();
      }),
      propertyParameters(100),
    );
  });
});
