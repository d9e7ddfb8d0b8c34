import fc from 'fast-check';
import { InProcessOutboxSignal } from '../../../src/adapters/system/in-process-outbox-signal.js';
import type { PendingEvent } from '../../../src/application/index.js';
import { DeduplicatingBroker, type Outcome } from '../../fakes/deduplicating-broker.js';
import { InMemoryPendingEvents } from '../../fakes/in-memory-pending-events.js';
import { SwitchableLeadership } from '../../fakes/switchable-leadership.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { relayLoopOn } from '../../support/relay-loop-on-fakes.js';

const RUNS = 150;
const CAMPAIGNS = 6;
const LANES = 3;

type Step =
  | { kind: 'append'; campaign: number; count: number }
  /** A transaction that has its sequence and commits later (PostgreSQL): the row appears below rows read already. */
  | { kind: 'appendLate'; campaign: number }
  | { kind: 'commitLate' }
  | { kind: 'pause'; ms: number }
  /** Another relay holds the lease for a while (it publishes nothing here): this one stands by, then leads again. */
  | { kind: 'leaseLost'; ms: number }
  /**
   * The database goes back to a backup that held the oldest `kept` rows (a restore, a lagging replica promoted):
   * the rows after them are gone, and their positions go to the next events.
   */
  | { kind: 'restore'; kept: number };

const campaign = fc.integer({ min: 0, max: CAMPAIGNS - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('append' as const), campaign, count: fc.integer({ min: 1, max: 4 }) }),
    weight: 4,
  },
  fc.record({ kind: fc.constant('appendLate' as const), campaign }),
  fc.record({ kind: fc.constant('commitLate' as const) }),
  { arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 6 }) }), weight: 2 },
  fc.record({ kind: fc.constant('leaseLost' as const), ms: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ kind: fc.constant('restore' as const), kept: fc.nat({ max: 40 }) }),
);
const outcome: fc.Arbitrary<Outcome> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('ack' as const), afterMs: fc.integer({ min: 0, max: 4 }) }), weight: 3 },
  fc.constant({ kind: 'written-unacknowledged' as const }),
  fc.constant({ kind: 'refused' as const }),
);

const laneOf = (event: PendingEvent) => `lane ${Number(event.aggregateId) % LANES}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('The outbox relay’s delivery, generated: any commits, any broker failures, the lease lost and taken back', function () {
  this.timeout(propertyTimeoutMs(120_000));

  it('sends a failed batch again exactly as it was, though more events of its lane were committed meanwhile', async () => {
    const outbox = new InMemoryPendingEvents();
    const broker = new DeduplicatingBroker([{ kind: 'written-unacknowledged' }], laneOf);
    const signal = new InProcessOutboxSignal();
    const sent: string[][] = [];
    const publish = broker.publish.bind(broker);
    broker.publish = (events) => {
      sent.push(events.map((event) => event.eventId));
      // Committed while the first batch is in flight, before its retry (however late the test's turns come).
      if (sent.length === 1) {
        outbox.append(2, '3');
        signal.notify();
      }
      return publish(events);
    };
    const relay = relayLoopOn(
      outbox,
      broker,
      { batchSize: 10, pollIntervalMs: 60_000, retry: { initialDelayMs: 20, maxDelayMs: 20 } },
      signal,
    );
    outbox.append(2, '3');
    relay.start();
    try {
      await eventually('every event is marked published', () => outbox.unpublished.length === 0);
    } finally {
      await relay.stop();
    }
    expect(sent).to.deep.equal([
      ['event-1', 'event-2'],
      ['event-1', 'event-2'],
      ['event-3', 'event-4'],
    ]);
    expect(broker.written.map((event) => event.eventId)).to.deep.equal(['event-1', 'event-2', 'event-3', 'event-4']);
  });

  it('writes every committed event to the broker exactly once and in order per campaign, when the broker recognises a batch sent again as it was, and none the database lost to a restore in place of one it holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.array(outcome, { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        // A broker that tells how many lanes it has lets the reading stop once every lane is held.
        fc.boolean(),
        // How long a read nothing known calls for waits for a local commit.
        fc.constantFrom(0, 3, 15),
        async (steps, outcomes, batchSize, lanesTold, uncalledReadDelayMs) => {
          const outbox = new InMemoryPendingEvents();
          const broker = new DeduplicatingBroker(outcomes, laneOf, lanesTold ? LANES : undefined);
          const signal = new InProcessOutboxSignal();
          const lease = new SwitchableLeadership();
          const relay = relayLoopOn(
            outbox,
            broker,
            { batchSize, pollIntervalMs: 5, retry: { initialDelayMs: 1, maxDelayMs: 4 }, uncalledReadDelayMs },
            signal,
            lease.leadership,
          );
          let committed: PendingEvent[] = [];
          const lost = new Set<string>();
          // At most one uncommitted row per campaign: its next change waits for that transaction (the row lock).
          const uncommitted = new Map<number, { event: PendingEvent; commit: () => void }>();
          const commit = (campaignIndex: number) => {
            const late = uncommitted.get(campaignIndex);
            if (late === undefined) return;
            uncommitted.delete(campaignIndex);
            late.commit();
            committed.push(late.event);
          };
          relay.start();
          try {
            for (const next of steps) {
              if (next.kind === 'append') {
                commit(next.campaign);
                committed.push(...outbox.append(next.count, String(next.campaign)));
              } else if (next.kind === 'appendLate') {
                if (!uncommitted.has(next.campaign))
                  uncommitted.set(next.campaign, outbox.appendUncommitted(String(next.campaign)));
              } else if (next.kind === 'commitLate') {
                const [oldest] = uncommitted.keys();
                if (oldest !== undefined) commit(oldest);
              } else if (next.kind === 'restore') {
                for (const campaignIndex of [...uncommitted.keys()]) commit(campaignIndex);
                const kept = committed.filter((event) => event.sequence <= BigInt(next.kept));
                for (const event of committed) if (!kept.includes(event)) lost.add(event.eventId);
                committed = kept;
                outbox.restore(BigInt(Math.min(next.kept, outbox.length)));
              } else if (next.kind === 'leaseLost') {
                lease.takeAway();
                await sleep(next.ms);
                lease.giveBack();
              } else {
                await sleep(next.ms);
              }
              signal.notify();
              await new Promise((resolve) => setImmediate(resolve));
            }
            for (const campaignIndex of [...uncommitted.keys()]) commit(campaignIndex);
            signal.notify();
            await eventually('every committed event is marked published', () => outbox.unpublished.length === 0, {
              timeoutMs: 10_000,
              intervalMs: 2,
            });
          } finally {
            await relay.stop();
          }

          const writes = new Map<string, number>();
          for (const event of broker.written) writes.set(event.eventId, (writes.get(event.eventId) ?? 0) + 1);
          const repeated = [...writes].filter(([, times]) => times > 1).map(([eventId]) => eventId);
          expect(repeated, 'events written more than once').to.deep.equal([]);
          const held = [...writes.keys()].filter((eventId) => !lost.has(eventId));
          expect(held.sort(), 'events written').to.deep.equal(committed.map((e) => e.eventId).sort());
          for (const log of broker.logs.values()) {
            for (let c = 0; c < CAMPAIGNS; c++) {
              const sequences = log
                .filter((event) => event.aggregateId === String(c) && !lost.has(event.eventId))
                .map((e) => e.sequence);
              expect(sequences, `campaign ${c} in write order`).to.deep.equal(
                [...sequences].sort((a, b) => (a < b ? -1 : 1)),
              );
            }
          }
        },
      ),
      propertyParameters(RUNS),
    );
  });
});
