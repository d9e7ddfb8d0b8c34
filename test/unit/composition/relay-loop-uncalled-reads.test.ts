import { InProcessOutboxSignal } from '../../../src/adapters/system/in-process-outbox-signal.js';
import type { OutboxSignal } from '../../../src/application/index.js';
import type { OutboxRelaySettings, RelayLoop } from '../../../src/composition/relay-loop.js';
import { InMemoryPendingEvents } from '../../fakes/in-memory-pending-events.js';
import { RecordingPublisher } from '../../fakes/recording-publisher.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { relayLoopOn } from '../../support/relay-loop-on-fakes.js';

/** A wait for a local commit as long as the poll: a read it defers shows as one that does not come. */
const DEFERRING: OutboxRelaySettings = {
  batchSize: 3,
  pollIntervalMs: 60_000,
  retry: { initialDelayMs: 1, maxDelayMs: 4 },
  uncalledReadDelayMs: 60_000,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('The outbox relay’s reads that nothing known calls for', () => {
  let outbox: InMemoryPendingEvents;
  let broker: RecordingPublisher;
  let signal: OutboxSignal;
  let relay: RelayLoop | undefined;

  beforeEach(() => {
    outbox = new InMemoryPendingEvents();
    broker = new RecordingPublisher();
    signal = new InProcessOutboxSignal();
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });

  it('after a batch that settled cleanly, with no local commit since its page, reads only once a commit comes, and that page holds the commit’s events', async () => {
    outbox.append(1);
    relay = relayLoopOn(outbox, broker, DEFERRING, signal);
    relay.start();
    await eventually('the first batch is marked', () => outbox.journal.includes('mark 1'));
    await sleep(30);
    expect(outbox.journal).to.deep.equal(['next 3', 'mark 1']);

    outbox.append(2);
    signal.notify();
    await eventually('the committed events are published', () => broker.events.length === 3);
    await sleep(30);
    expect(outbox.journal).to.deep.equal(['next 3', 'mark 1', 'next 3', 'mark 2,3']);
  });

  it('reads at once after a batch when no signal tells it of local commits, as a relay in a process of its own runs', async () => {
    outbox.append(1);
    relay = relayLoopOn(outbox, broker, DEFERRING);
    relay.start();
    await eventually('it reads again after the batch', () => outbox.journal.length === 3);
    expect(outbox.journal).to.deep.equal(['next 3', 'mark 1', 'next 3']);
  });

  it('reads at once after a batch while events are known to wait: a backlog goes out batch after batch', async () => {
    outbox.append(10, '7');
    relay = relayLoopOn(outbox, broker, { ...DEFERRING, batchSize: 2 }, signal);
    relay.start();
    await eventually('the backlog is published', () => broker.events.length === 10);
    expect(outbox.unpublished).to.deep.equal([]);
  });

  it('reads at once for a lane whose retry fell due, without waiting for a commit', async () => {
    outbox.append(2);
    broker.refuseAttempt(1);
    relay = relayLoopOn(outbox, broker, DEFERRING, signal);
    relay.start();
    await eventually('the refused batch is published on its retry', () => broker.events.length === 2);
    expect(broker.attempts).to.equal(2);
  });

  it('reads a commit that came during the page before at once, however long the wait for a commit is', async () => {
    let notified = false;
    const next = outbox.next.bind(outbox);
    outbox.next = async (limit, after) => {
      const page = await next(limit, after);
      if (!notified) {
        notified = true;
        outbox.append(1);
        signal.notify();
      }
      return page;
    };
    outbox.append(1);
    relay = relayLoopOn(outbox, broker, DEFERRING, signal);
    relay.start();
    await eventually('both events are published', () => broker.events.length === 2);
  });

  it('drains at once: drain() reads after every batch without waiting for a commit', async () => {
    outbox.append(7);
    relay = relayLoopOn(outbox, broker, DEFERRING, signal);
    const drained = relay.drain();
    expect(await Promise.race([drained, sleep(2_000).then(() => 'still draining')])).to.equal(7);
    expect(outbox.unpublished).to.deep.equal([]);
  });

  it('stops at once while it waits for a commit', async () => {
    outbox.append(1);
    relay = relayLoopOn(outbox, broker, DEFERRING, signal);
    relay.start();
    await eventually('the batch is marked', () => outbox.journal.includes('mark 1'));
    const stopping = relay.stop();
    relay = undefined;
    expect(await Promise.race([stopping.then(() => 'stopped'), sleep(2_000).then(() => 'still waiting')])).to.equal(
      'stopped',
    );
  });
});
