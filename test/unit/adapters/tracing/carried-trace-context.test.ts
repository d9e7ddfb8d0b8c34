import fc from 'fast-check';
import {
  carriedTraceContext,
  carrying,
  continuedTraceContext,
  newTraceContext,
  samplingFrom,
} from '../../../../src/adapters/tracing/carried-trace-context.js';
import { TraceCarryingEventPublisher } from '../../../../src/adapters/tracing/trace-carrying-event-publisher.js';
import { activeTraceContext, incomingContext, spanContextOf } from '../../../../src/adapters/tracing/trace-context.js';
import { TraceCarryingUnitOfWork } from '../../../../src/adapters/tracing/traced-unit-of-work.js';
import type { EventPublisher, PendingEvent, Transaction, UnitOfWork } from '../../../../src/application/index.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;
const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A hex field of a traceparent as callers write it: mostly right, sometimes zero, of the wrong case or length. */
const hexField = (length: number) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)) },
    fc.constant('0'.repeat(length)),
    fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${length - 1},${length + 1}}$`)),
  );
const blank = fc.constantFrom('', ' ', '\t');
const traceparents = fc
  .tuple(fc.oneof(fc.constant('00'), hexField(2)), hexField(32), hexField(16), hexField(2))
  .chain((fields) =>
    fc
      .tuple(blank, fc.constantFrom('', '-', '-x', '-01-what-comes-next', '.x'), blank)
      .map(([before, rest, after]) => `${before}${fields.join('-')}${rest}${after}`),
  );
/** tracestate headers of valid and invalid members, repeated keys, more than 32 members or 512 characters. */
const tracestates = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.stringMatching(/^[a-z][a-z0-9_\-*/]{0,8}$/),
        fc.stringMatching(/^[a-z0-9]{1,5}@[a-z]{1,5}$/),
        fc.constantFrom('A', 'a b', '', 'k1', 'k2'),
      ),
      fc.oneof(fc.stringMatching(/^[!-+\--<>-~]{1,10}$/), fc.constantFrom('', 'a=b', 'é', 'x'.repeat(200))),
      blank,
    ),
    { maxLength: 40 },
  )
  .map((members) => members.map(([key, value, space]) => `${space}${key}=${value}${space}`).join(','));

describe('The trace context carried as data when no span is exported', () => {
  describe('a request', () => {
    it("continues the caller's trace with a span id of its own, keeping its sampled flag and tracestate", () => {
      const carried = continuedTraceContext({
        traceparent: CALLER,
        tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
      });
      const [, traceId, spanId, flags] = TRACEPARENT.exec(carried.traceContext.traceparent)!;
      expect(traceId).to.equal('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(spanId).to.not.equal('00f067aa0ba902b7');
      expect(flags).to.equal('01');
      expect(carried.traceContext.tracestate).to.equal('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
      expect(carried).to.include({ traceId, spanId, traceFlags: '01' });
    });

    it("keeps a caller's decision not to sample", () => {
      expect(continuedTraceContext({ traceparent: CALLER.replace(/01$/, '00') }).traceFlags).to.equal('00');
    });

    it('reads a later version of traceparent by its first four fields', () => {
      const later = continuedTraceContext({ traceparent: `01-${'a'.repeat(32)}-${'1'.repeat(16)}-01-what-comes-next` });
      expect(later.traceId).to.equal('a'.repeat(32));
    });

    it('drops the members of tracestate that are not valid, and an empty one altogether', () => {
      expect(
        continuedTraceContext({ traceparent: CALLER, tracestate: 'ok=1,NOT VALID' }).traceContext.tracestate,
      ).to.equal('ok=1');
      expect(continuedTraceContext({ traceparent: CALLER, tracestate: '' }).traceContext).to.not.have.property(
        'tracestate',
      );
    });

    it('keeps the members of a long tracestate in the order the caller wrote them', () => {
      const members = Array.from({ length: 40 }, (_, i) => `k${i}=v${i}`);
      expect(
        continuedTraceContext({ traceparent: CALLER, tracestate: members.join(',') }).traceContext.tracestate,
      ).to.equal(members.slice(0, 32).join(','));
    });

    it('reads traceparent and tracestate as the exporting SDK does, so the message carries the same either way', () => {
      fc.assert(
        fc.property(traceparents, tracestates, (traceparent, tracestate) => {
          const carried = continuedTraceContext({ traceparent, tracestate });
          const extracted = spanContextOf({ traceparent, tracestate });
          expect(carried.traceId === extracted?.traceId, "continues the caller's trace").to.equal(
            extracted !== undefined,
          );
          const exported =
            extracted === undefined
              ? ''
              : (activeTraceContext(incomingContext({ traceparent, tracestate }))?.tracestate ?? '');
          expect(carried.traceContext.tracestate ?? '').to.equal(exported);
        }),
        propertyParameters(300),
      );
    });

    for (const [what, traceparent] of [
      ['none', undefined],
      ['an empty header', ''],
      ['upper-case hex', CALLER.toUpperCase()],
      ['an all-zero trace id', `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`],
      ['an all-zero parent id', `00-${'a'.repeat(32)}-${'0'.repeat(16)}-01`],
      ['version ff', `ff-${'a'.repeat(32)}-${'1'.repeat(16)}-01`],
      ['version 00 with a fifth field', `${CALLER}-extra`],
      ['a short trace id', `00-${'a'.repeat(31)}-${'1'.repeat(16)}-01`],
      ['garbage', 'not a traceparent'],
    ] as const) {
      it(`starts a new trace, without the caller's tracestate, for a malformed or missing traceparent (${what})`, () => {
        const carried = continuedTraceContext({ traceparent, tracestate: 'caller=dropped' });
        expect(carried.traceContext.traceparent).to.match(TRACEPARENT);
        expect(traceparent ?? '').to.not.include(carried.traceId);
        expect(carried.traceContext).to.not.have.property('tracestate');
        expect(carried.traceFlags, 'a new trace is sampled by the default sampler').to.equal('01');
      });
    }
  });

  it('gives every new trace ids of its own', () => {
    const traces = Array.from({ length: 1_000 }, () => newTraceContext());
    expect(new Set(traces.map((t) => t.traceId)).size).to.equal(1_000);
    expect(new Set(traces.map((t) => t.spanId)).size).to.equal(1_000);
    for (const t of traces) expect(t.traceContext.traceparent).to.equal(`00-${t.traceId}-${t.spanId}-01`);
  });

  describe('the sampled flag, as OTEL_TRACES_SAMPLER names the sampler', () => {
    const decisions = (env: NodeJS.ProcessEnv) => {
      const sampling = samplingFrom(env);
      return {
        root: sampling.root('a'.repeat(32)),
        sampledParent: sampling.continued(true, 'a'.repeat(32)),
        unsampledParent: sampling.continued(false, 'a'.repeat(32)),
      };
    };

    it('follows the caller and samples a new trace by default (parentbased_always_on)', () => {
      expect(decisions({})).to.deep.equal({ root: true, sampledParent: true, unsampledParent: false });
      expect(decisions({ OTEL_TRACES_SAMPLER: 'no-such-sampler' })).to.deep.equal({
        root: true,
        sampledParent: true,
        unsampledParent: false,
      });
    });

    it('samples nothing of its own with parentbased_always_off, and nothing at all with always_off', () => {
      expect(decisions({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' })).to.deep.equal({
        root: false,
        sampledParent: true,
        unsampledParent: false,
      });
      expect(decisions({ OTEL_TRACES_SAMPLER: 'always_off' })).to.deep.equal({
        root: false,
        sampledParent: false,
        unsampledParent: false,
      });
      expect(decisions({ OTEL_TRACES_SAMPLER: 'always_on' })).to.deep.equal({
        root: true,
        sampledParent: true,
        unsampledParent: true,
      });
    });

    it('samples by trace id with traceidratio, as the SDK does', () => {
      const low = '00000000000000000000000000000001';
      const high = 'ffffffff000000000000000000000000';
      expect(samplingFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }).root(low)).to.equal(
        true,
      );
      expect(samplingFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }).root(high)).to.equal(
        false,
      );
      expect(samplingFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' }).root(high)).to.equal(
        true,
      );
      expect(
        samplingFrom({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }).continued(
          true,
          high,
        ),
      ).to.equal(true);
    });
  });

  describe('carrying it to the outbox', () => {
    const traceContext = { traceparent: CALLER, tracestate: 'k=v' };

    it('is current only while the call runs synchronously, and restores the one around it', async () => {
      const seen: unknown[] = [];
      const returned = carrying(traceContext, async () => {
        seen.push(carriedTraceContext());
        carrying({ traceparent: 'inner' }, () => seen.push(carriedTraceContext()));
        seen.push(activeTraceContext());
        await Promise.resolve();
        seen.push(carriedTraceContext());
      });
      expect(carriedTraceContext()).to.equal(undefined);
      await returned;
      expect(seen).to.deep.equal([traceContext, { traceparent: 'inner' }, traceContext, undefined]);
    });

    it("gives the unit of work's appends the context of whoever asked for the unit, whenever the unit runs", async () => {
      const appendedWith: unknown[] = [];
      const later: UnitOfWork = {
        run: async (work) => {
          await new Promise((resolve) => setImmediate(resolve));
          const tx = {
            campaigns: {},
            idempotency: {},
            outbox: { append: async () => void appendedWith.push(activeTraceContext()) },
          };
          return work(tx as unknown as Transaction);
        },
      };
      const unitOfWork = new TraceCarryingUnitOfWork(later);
      const work = async (tx: Transaction) => {
        await Promise.resolve();
        await tx.outbox.append([]);
      };
      const first = carrying(traceContext, () => unitOfWork.run(work));
      const second = carrying({ traceparent: 'second' }, () => unitOfWork.run(work));
      const outside = unitOfWork.run(work);
      await Promise.all([first, second, outside]);
      expect(appendedWith).to.deep.equal([traceContext, { traceparent: 'second' }, undefined]);
    });
  });

  describe("the relay's publish", () => {
    const event = (sequence: bigint, traceContext?: { traceparent: string }): PendingEvent => ({
      sequence,
      eventId: `event-${sequence}`,
      type: 'CampaignStarted',
      aggregateId: '1',
      occurredAt: new Date(0),
      payloadJson: '{}',
      ...(traceContext === undefined ? {} : { traceContext }),
    });
    const publishing = () => {
      const published: PendingEvent[][] = [];
      const inner = {
        publish: async (events: readonly PendingEvent[]) => void published.push([...events]),
      } as unknown as EventPublisher;
      return { publisher: new TraceCarryingEventPublisher(inner), published };
    };

    it('passes on the trace context each outbox row kept', async () => {
      const { publisher, published } = publishing();
      const events = [event(1n, { traceparent: CALLER }), event(2n, { traceparent: CALLER.replace('4bf9', '5bf9') })];
      await publisher.publish(events);
      expect(published).to.deep.equal([events]);
    });

    it('gives the events without a readable one a trace started for the publish, one for the batch', async () => {
      const { publisher, published } = publishing();
      await publisher.publish([
        event(1n),
        event(2n, { traceparent: CALLER }),
        event(3n, { traceparent: 'unreadable' }),
      ]);
      const [first, second, third] = published[0]!;
      expect(first!.traceContext!.traceparent).to.match(TRACEPARENT);
      expect(second!.traceContext).to.deep.equal({ traceparent: CALLER });
      expect(third!.traceContext).to.deep.equal(first!.traceContext);
    });
  });
});
