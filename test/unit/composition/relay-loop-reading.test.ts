import type { PendingEvent } from '../../../src/application/index.js';
import { DeduplicatingBroker } from '../../fakes/deduplicating-broker.js';
import { InMemoryPendingEvents } from '../../fakes/in-memory-pending-events.js';
import { expect } from '../../support/expect.js';
import { relayLoopOn } from '../../support/relay-loop-on-fakes.js';

const LANES = 3;
const laneOf = (event: PendingEvent) => `lane ${Number(event.aggregateId) % LANES}`;

/**
 * Drains a backlog of `events` spread over `campaigns` campaigns; answers the outbox and the broker. The broker
 * tells how many lanes it has only when `lanesTold`.
 */
async function drainBacklog(events: number, campaigns: number, batchSize: number, lanesTold = false) {
  const outbox = new InMemoryPendingEvents();
  for (let n = 0; n < events; n++) outbox.append(1, String(n % campaigns));
  const broker = new DeduplicatingBroker([], laneOf, lanesTold ? LANES : undefined);
  const relay = relayLoopOn(outbox, broker, {
    batchSize,
    pollIntervalMs: 60_000,
    retry: { initialDelayMs: 1, maxDelayMs: 4 },
  });
  expect(await relay.drain()).to.equal(events);
  const reads = outbox.journal.filter((entry) => entry.startsWith('next')).length;
  const batches = outbox.journal.filter((entry) => entry.startsWith('mark')).length;
  return { outbox, broker, reads, batches };
}

describe('The outbox relay’s reading of a backlog spread over several lanes', () => {
  it('reads each row about once: a lane reads its next batch ahead while one is in flight, and the reading goes back once for all lanes with room', async () => {
    const { reads, batches, broker } = await drainBacklog(6_000, 3_000, 150);
    expect(broker.written).to.have.length(6_000);
    expect(batches).to.equal(42);
    // 40 pages hold the backlog: one pass to the newest, one pass back for the lanes, and a page after each batch
    // make about 120; going back for each lane on its own read about 190.
    expect(reads, `${reads} page reads for ${batches} batches`).to.be.at.most(150);
  });

  it('stops reading once every lane takes no more events, when the broker tells how many lanes it has, and goes on from there once one takes events again', async () => {
    const { reads, batches, broker } = await drainBacklog(6_000, 3_000, 150, true);
    expect(broker.written).to.have.length(6_000);
    expect(new Set(broker.written.map((event) => event.eventId)).size).to.equal(6_000);
    expect(batches).to.equal(42);
    // Reading on to the newest while every lane is held read the whole backlog once more for nothing (about 130).
    expect(reads, `${reads} page reads for ${batches} batches`).to.be.at.most(90);
  });

  for (const lanesTold of [false, true]) {
    it(`publishes each lane’s events once and in outbox order, however far it read ahead (the broker ${lanesTold ? 'tells' : 'does not tell'} how many lanes it has)`, async () => {
      const { broker } = await drainBacklog(2_000, 7, 10, lanesTold);
      for (const log of broker.logs.values()) {
        const sequences = log.map((event) => event.sequence);
        expect(sequences).to.deep.equal([...sequences].sort((a, b) => (a < b ? -1 : 1)));
        expect(new Set(sequences).size).to.equal(sequences.length);
      }
      expect(broker.written).to.have.length(2_000);
    });
  }
});
