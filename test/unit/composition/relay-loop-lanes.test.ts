import { InProcessOutboxSignal } from '../../../src/adapters/system/in-process-outbox-signal.js';
import { type OutboxSignal, type PendingEvent, PublishStalled } from '../../../src/application/index.js';
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

describe('The outbox relay’s lanes (one per partition)', () => {
  let outbox: InMemoryPendingEvents;
  let broker: RecordingPublisher;
  let log: RecordingRelayLog;
  let signal: OutboxSignal;
  let relay: RelayLoop;

  const relayWith = (settings: Partial<OutboxRelaySettings> = {}) =>
    new RelayLoop(
      {
        pending: outbox,
        publisher: broker,
        leadership: soleLeadership(),
        clock: new FixedClock(new Date('2030-01-01T12:00:00Z')),
        log,
      },
      { ...QUICK, ...settings },
      signal,
    );
  /** Each campaign's events in the order the broker acknowledged them, by campaign id. */
  const deliveredPerCampaign = () => {
    const delivered = new Map<string, bigint[]>();
    for (const event of broker.events)
      delivered.set(event.aggregateId, [...(delivered.get(event.aggregateId) ?? []), event.sequence]);
    return Object.fromEntries(delivered);
  };
  const sequencesOf = (events: readonly PendingEvent[]) => events.map((event) => event.sequence);

  beforeEach(() => {
    outbox = new InMemoryPendingEvents();
    broker = new RecordingPublisher();
    broker.lanes = (event) => `lane of ${event.aggregateId}`;
    log = new RecordingRelayLog();
    signal = new InProcessOutboxSignal();
    relay = relayWith();
  });
  afterEach(async () => {
    for (const lane of ['a', 'b', 'c']) broker.unstick(`lane of ${lane}`);
    await relay.stop();
  });

  const appendInTurn = (rounds: number, campaigns: readonly string[]) => {
    for (let round = 0; round < rounds; round++) for (const campaign of campaigns) outbox.append(1, campaign);
  };

  it('publishes and marks the other lanes while one lane’s send never completes, each lane in outbox order', async () => {
    appendInTurn(4, ['a', 'b', 'c']);
    broker.stick('lane of a');
    relay.start();
    await eventually('the events of b and c are published and marked', () =>
      outbox.unpublished.every((sequence) => sequence % 3n === 1n),
    );
    expect(deliveredPerCampaign()).to.deep.equal({ b: [2n, 5n, 8n, 11n], c: [3n, 6n, 9n, 12n] });
    expect(outbox.unpublished).to.deep.equal([1n, 4n, 7n, 10n]);

    outbox.append(1, 'b');
    signal.notify();
    await eventually(
      'an event committed meanwhile is published too',
      () => outbox.unpublished.length === 4 && broker.events.length === 9,
    );

    broker.unstick('lane of a');
    await eventually('the stuck lane publishes once it is acknowledged', () => outbox.unpublished.length === 0);
    expect(deliveredPerCampaign().a).to.deep.equal([1n, 4n, 7n, 10n]);
  });

  it('reaches the other lanes’ events behind a stuck lane’s backlog many pages long', async () => {
    outbox.append(20, 'a');
    outbox.append(2, 'b');
    broker.stick('lane of a');
    relay.start();
    await eventually('the events of b are published', () => broker.events.length === 2);
    expect(sequencesOf(broker.events)).to.deep.equal([21n, 22n]);
    broker.unstick('lane of a');
    await eventually('every event is published', () => outbox.unpublished.length === 0);
    expect(deliveredPerCampaign().a).to.deep.equal(Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
  });

  it('keeps each lane to one batch in flight and publishes its events in outbox order, however the lanes interleave', async () => {
    broker.acknowledgeLater = true;
    for (let i = 0; i < 60; i++) outbox.append(1, ['a', 'b', 'c'][((i * 7) % 5) % 3]!);
    expect(await relay.drain()).to.equal(60);
    for (const [campaign, sequences] of Object.entries(deliveredPerCampaign())) {
      expect(sequences, campaign).to.deep.equal([...sequences].sort((x, y) => (x < y ? -1 : 1)));
    }
    expect(broker.mostInFlight).to.equal(3);
    expect(broker.events).to.have.length(60);
  });

  it('retries a refused lane on its own backoff while the others publish, then delivers it in order', async () => {
    appendInTurn(3, ['a', 'b']);
    broker.refuseLane('lane of a');
    relay.start();
    await eventually('the events of b are published', () => (deliveredPerCampaign().b ?? []).length === 3);
    await eventually('the refused lane was retried', () => log.retryDelays.length >= 3);
    for (let more = 1; more <= 10; more++) {
      outbox.append(1, 'b');
      signal.notify();
      await eventually(
        'the other lane publishes meanwhile',
        () => (deliveredPerCampaign().b ?? []).length === 3 + more,
      );
    }
    expect(log.outagesBegun, "one outage, however many retries and other lanes' acknowledgements").to.have.length(1);
    expect(log.outagesEnded).to.deep.equal([]);
    broker.acceptLane('lane of a');
    await eventually('the refused lane publishes', () => outbox.unpublished.length === 0);
    expect(deliveredPerCampaign().a).to.deep.equal([1n, 3n, 5n]);
    await eventually('the outage is reported ended', () => log.outagesEnded.length === 1);
  });

  it('retries a refused lane as soon as the broker shows it takes writes again, while the other lanes keep the relay busy', async () => {
    relay = relayWith({ retry: { initialDelayMs: 3_600_000, maxDelayMs: 3_600_000 } });
    appendInTurn(2, ['a', 'b']);
    broker.refuseLane('lane of a');
    broker.stick('lane of b');
    relay.start();
    await eventually('the refused lane failed once', () => log.retryDelays.length === 1);
    broker.acceptLane('lane of a');
    await eventually(
      'the refused lane publishes long before its backoff ends',
      () => (deliveredPerCampaign().a ?? []).length === 2,
    );
    expect(deliveredPerCampaign().a).to.deep.equal([1n, 3n]);
  });

  it('throws the failure of a lane from a drain only after the other lanes are published and marked', async () => {
    appendInTurn(2, ['a', 'b']);
    broker.refuseLane('lane of a');
    await expect(relay.drain()).to.be.rejectedWith('no leader for the partition');
    expect(outbox.unpublished).to.deep.equal([1n, 3n]);
    broker.acceptLane('lane of a');
    expect(await relay.drain()).to.equal(2);
  });

  it('reports the relay stalled when one lane is stuck past the threshold, even while the others publish, and its end once acknowledged', async () => {
    relay = relayWith({ publishStallMs: 30 });
    appendInTurn(2, ['a', 'b']);
    broker.stick('lane of a');
    relay.start();
    await eventually('the stall is reported', () => log.outagesBegun.length === 1, { timeoutMs: 1_000 });
    expect(log.outagesBegun[0]).to.be.instanceOf(PublishStalled);
    outbox.append(1, 'b');
    signal.notify();
    await eventually('the other lane goes on publishing', () => (deliveredPerCampaign().b ?? []).length === 3);
    expect(log.outagesEnded, 'acknowledgements of other lanes do not end the stall').to.deep.equal([]);
    broker.unstick('lane of a');
    await eventually('the outage ends', () => log.outagesEnded.length === 1);
    expect(outbox.unpublished).to.deep.equal([]);
  });
});
