import { InProcessOutboxSignal } from '../../../src/adapters/system/in-process-outbox-signal.js';
import { type OutboxSignal, PartlyPublished, PublishStalled } from '../../../src/application/index.js';
import { type OutboxRelaySettings, RelayLoop } from '../../../src/composition/relay-loop.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { soleLeadership } from '../../fakes/in-memory-lease-table.js';
import { InMemoryPendingEvents } from '../../fakes/in-memory-pending-events.js';
import { RecordingPublisher } from '../../fakes/recording-publisher.js';
import { RecordingRelayLog } from '../../fakes/recording-relay-log.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';

const QUICK: OutboxRelaySettings = {
  batchSize: 3,
  pollIntervalMs: 60_000,
  retry: { initialDelayMs: 1, maxDelayMs: 4 },
};

describe('The outbox relay, run by RelayLoop', () => {
  let outbox: InMemoryPendingEvents;
  let broker: RecordingPublisher;
  let log: RecordingRelayLog;
  let clock: FixedClock;
  let signal: OutboxSignal;
  let relay: RelayLoop;

  const relayWith = (settings: Partial<OutboxRelaySettings> = {}) =>
    new RelayLoop(
      {
        pending: outbox,
        publisher: broker,
        leadership: soleLeadership(),
        clock,
        log,
        monotonic: () => clock.now().getTime(),
      },
      { ...QUICK, ...settings },
      signal,
    );
  const sequencesOf = (batches: ReadonlyArray<ReadonlyArray<{ sequence: bigint }>>) =>
    batches.map((batch) => batch.map((event) => event.sequence));

  beforeEach(() => {
    outbox = new InMemoryPendingEvents();
    broker = new RecordingPublisher();
    log = new RecordingRelayLog();
    clock = new FixedClock(new Date('2030-01-01T12:00:00Z'));
    signal = new InProcessOutboxSignal();
    relay = relayWith();
  });
  afterEach(() => relay.stop());

  describe('draining the outbox', () => {
    it('publishes waiting events in outbox order, in batches of the configured size', async () => {
      outbox.append(7);
      expect(await relay.drain()).to.equal(7);
      expect(sequencesOf(broker.acknowledged)).to.deep.equal([[1n, 2n, 3n], [4n, 5n, 6n], [7n]]);
      expect(outbox.unpublished).to.deep.equal([]);
    });

    it('marks each batch published with one call, stamped with the time of the clock', async () => {
      outbox.append(4);
      await relay.drain();
      expect(outbox.journal.filter((entry) => entry.startsWith('mark'))).to.deep.equal(['mark 1,2,3', 'mark 4']);
      expect(outbox.publishedAt(4n)).to.deep.equal(clock.now());
    });

    it('marks a batch published only after the broker acknowledged it', async () => {
      outbox.append(2);
      broker.holdAcks();
      const draining = relay.drain();
      await eventually('the batch is sent', () => broker.waitingForAck === 1);
      expect(outbox.unpublished).to.deep.equal([1n, 2n]);
      broker.releaseAcks();
      await draining;
      expect(outbox.unpublished).to.deep.equal([]);
    });

    it('leaves a refused batch unpublished, keeps the batches before it marked, and resumes from it', async () => {
      outbox.append(5);
      broker.refuseAttempt(2);
      await expect(relay.drain()).to.be.rejectedWith('broker refused the batch');
      expect(outbox.unpublished).to.deep.equal([4n, 5n]);
      expect(await relay.drain()).to.equal(2);
      expect(sequencesOf(broker.acknowledged)).to.deep.equal([
        [1n, 2n, 3n],
        [4n, 5n],
      ]);
    });

    it('marks the events the broker acknowledged of a partly refused batch, so that only the others are sent again', async () => {
      outbox.append(3);
      broker.acknowledgeOnlyAt(1, (event) => event.sequence !== 2n);
      await expect(relay.drain()).to.be.rejectedWith(PartlyPublished);
      expect(outbox.unpublished).to.deep.equal([2n]);
      expect(await relay.drain()).to.equal(1);
      expect(sequencesOf(broker.acknowledged)).to.deep.equal([[1n, 3n], [2n]]);
    });

    it('reads on past a lane whose batch is in flight, keeping the events it read for the lane’s next batch', async () => {
      outbox.append(4);
      await relay.drain();
      expect(outbox.journal).to.deep.equal([
        'next 3',
        'mark 1,2,3',
        'next 3 after 3',
        'next 3 after 4',
        'mark 4',
        'next 3 after 4',
      ]);
    });

    it('sends the next batch only once the batch before it is marked, so at most one batch is published but unmarked', async () => {
      outbox.append(6);
      outbox.holdMarks();
      const draining = relay.drain();
      await eventually('the first batch is acknowledged', () => broker.acknowledged.length === 1);
      await new Promise((resolve) => setImmediate(resolve)); // lets every callback the fakes queued run
      expect(broker.attempts, 'batches sent while the first one is not marked').to.equal(1);
      outbox.releaseMarks();
      expect(await draining).to.equal(6);
      expect(outbox.journal.filter((entry) => entry.startsWith('mark'))).to.deep.equal(['mark 1,2,3', 'mark 4,5,6']);
      expect(sequencesOf(broker.acknowledged)).to.deep.equal([
        [1n, 2n, 3n],
        [4n, 5n, 6n],
      ]);
    });

    it('fails when a mark fails, after which the next drain publishes that batch again', async () => {
      outbox.append(2);
      outbox.refuseNextMark();
      await expect(relay.drain()).to.be.rejectedWith('database unavailable');
      expect(outbox.unpublished).to.deep.equal([1n, 2n]);
      await relay.drain();
      expect(sequencesOf(broker.acknowledged)).to.deep.equal([
        [1n, 2n],
        [1n, 2n],
      ]);
      expect(outbox.unpublished).to.deep.equal([]);
    });

    it('reads once more after a batch, from the oldest unpublished event while they all fit in one page', async () => {
      outbox.append(2);
      await relay.drain();
      expect(outbox.journal).to.deep.equal(['next 3', 'mark 1,2', 'next 3']);
    });
  });

  describe('running', () => {
    it('wakes at once when a local commit signals new events, without waiting for the next poll', async () => {
      relay.start();
      await eventually('the relay looked once', () => outbox.journal.length === 1);
      outbox.append(1);
      signal.notify();
      await eventually('the event is published', () => broker.events.length === 1, { timeoutMs: 2_000 });
    });

    it('finds events committed by another process when it polls', async () => {
      relay = relayWith({ pollIntervalMs: 10 });
      relay.start();
      await eventually('the relay looked once', () => outbox.journal.length >= 1);
      outbox.append(2);
      await eventually('the events are published', () => broker.events.length === 2);
    });

    it('retries with doubling delays up to the maximum while the broker is down, then delivers everything', async () => {
      outbox.append(4);
      broker.goDown();
      relay.start();
      await eventually('five attempts failed', () => log.retryDelays.length >= 5);
      expect(log.retryDelays.slice(0, 5)).to.deep.equal([1, 2, 4, 4, 4]);
      broker.recover();
      await eventually('every event is published', () => outbox.unpublished.length === 0);
      expect(sequencesOf(broker.acknowledged)).to.deep.equal([[1n, 2n, 3n], [4n]]);
    });

    it('reports an outage once however many attempts fail, and once when it ends', async () => {
      outbox.append(1);
      broker.goDown();
      relay.start();
      await eventually('ten attempts failed', () => log.retryDelays.length >= 10);
      clock.advance(5_000);
      broker.recover();
      await eventually('the event is published', () => broker.events.length === 1);
      expect(log.outagesBegun).to.have.length(1);
      expect(log.outagesEnded).to.have.length(1);
      expect(log.outagesEnded[0]!.failedAttempts).to.be.at.least(10);
      expect(log.outagesEnded[0]!.downForMs).to.equal(5_000);
    });

    it('reports a second outage as a new one', async () => {
      relay = relayWith({ pollIntervalMs: 5 });
      broker.goDown();
      relay.start();
      await eventually('the first outage is reported', () => log.outagesBegun.length === 1);
      broker.recover();
      await eventually('the first outage ends', () => log.outagesEnded.length === 1);
      broker.goDown();
      await eventually('the second outage is reported', () => log.outagesBegun.length === 2);
    });

    it('lets the batch in flight finish when stopped, then publishes nothing more', async () => {
      outbox.append(5);
      broker.holdAcks();
      relay.start();
      await eventually('the first batch is sent', () => broker.waitingForAck === 1);
      const stopped = relay.stop();
      broker.releaseAcks();
      await stopped;
      expect(sequencesOf(broker.acknowledged)).to.deep.equal([[1n, 2n, 3n]]);
      expect(outbox.unpublished).to.deep.equal([4n, 5n]);
    });

    it('reports a publish unacknowledged past the stall threshold as an outage at once, and its end when acknowledged', async () => {
      relay = relayWith({ publishStallMs: 30 });
      outbox.append(2);
      broker.holdAcks();
      relay.start();
      await eventually('the batch is sent', () => broker.waitingForAck === 1);
      await eventually('the stall is reported', () => log.outagesBegun.length === 1, { timeoutMs: 1_000 });
      expect(log.outagesBegun[0]).to.be.instanceOf(PublishStalled);
      expect(log.outagesEnded).to.deep.equal([]);
      broker.releaseAcks();
      await eventually('the outage ends', () => log.outagesEnded.length === 1);
      expect(broker.attempts).to.equal(1);
      expect(outbox.unpublished).to.deep.equal([]);
    });

    it('reports a connection to the broker not made past the stall threshold as an outage, and its end once it publishes', async () => {
      relay = relayWith({ publishStallMs: 30 });
      outbox.append(1);
      broker.holdConnections();
      relay.start();
      await eventually('the stall is reported', () => log.outagesBegun.length === 1, { timeoutMs: 1_000 });
      expect(log.outagesBegun[0]).to.be.instanceOf(PublishStalled);
      broker.answerConnections();
      await eventually('the outage ends', () => log.outagesEnded.length === 1);
      expect(outbox.unpublished).to.deep.equal([]);
    });

    it('reports nothing for a publish acknowledged within the stall threshold', async () => {
      relay = relayWith({ publishStallMs: 5_000 });
      outbox.append(7);
      relay.start();
      await eventually('every event is published', () => outbox.unpublished.length === 0);
      expect(log.outagesBegun).to.deep.equal([]);
    });

    it('retries as soon as the broker shows it takes writes again, not at the end of its backoff', async () => {
      relay = relayWith({ retry: { initialDelayMs: 3_600_000, maxDelayMs: 3_600_000 } });
      outbox.append(1);
      broker.goDown();
      relay.start();
      await eventually('the outage is reported', () => log.outagesBegun.length === 1);
      const recovered = Date.now();
      broker.recover();
      await eventually('the event is published', () => broker.events.length === 1, { timeoutMs: 1_000 });
      expect(Date.now() - recovered).to.be.below(1_000);
    });

    it('stops during a backoff without waiting it out', async () => {
      relay = relayWith({ retry: { initialDelayMs: 3_600_000, maxDelayMs: 3_600_000 } });
      broker.goDown();
      relay.start();
      await eventually('the outage is reported', () => log.outagesBegun.length === 1);
      const started = Date.now();
      await relay.stop();
      expect(Date.now() - started).to.be.below(1_000);
    });
  });
});
