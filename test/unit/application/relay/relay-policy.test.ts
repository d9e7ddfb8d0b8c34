import fc from 'fast-check';
import {
  type PendingEvent,
  PublishStalled,
  RelayLeadership,
  RelayPolicy,
  type RelayPolicySettings,
  type Round,
} from '../../../../src/application/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { LEASE_SETTINGS, soleLeadership } from '../../../fakes/in-memory-lease-table.js';
import { InMemoryPendingEvents } from '../../../fakes/in-memory-pending-events.js';
import { ManualRelayDriver } from '../../../fakes/manual-relay-driver.js';
import { RecordingPublisher } from '../../../fakes/recording-publisher.js';
import { RecordingRelayLog } from '../../../fakes/recording-relay-log.js';
import { eventually } from '../../../support/eventually.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const SETTINGS: RelayPolicySettings = {
  batchSize: 3,
  pollIntervalMs: 60_000,
  retry: { initialDelayMs: 1, maxDelayMs: 4 },
};

/** A leadership that gives the answers it is told, in order (then no), and notes each question in `journal`. */
class ScriptedLeadership extends RelayLeadership {
  constructor(
    private readonly answers: boolean[],
    private readonly journal: string[],
  ) {
    super({ acquire: async () => false, release: async () => undefined }, LEASE_SETTINGS);
  }

  override async mayPublish(): Promise<boolean> {
    this.journal.push('may I?');
    return this.answers.shift() ?? false;
  }
}

describe('RelayPolicy (what the relay does, whoever runs it)', () => {
  let outbox: InMemoryPendingEvents;
  let broker: RecordingPublisher;
  let log: RecordingRelayLog;
  let clock: FixedClock;
  let driver: ManualRelayDriver;
  let policy: RelayPolicy;
  let round: Round;

  const policyWith = (settings: Partial<RelayPolicySettings> = {}, leadership = soleLeadership()) =>
    new RelayPolicy(
      { pending: outbox, publisher: broker, leadership, clock, log, monotonic: () => clock.now().getTime() },
      { ...SETTINGS, ...settings },
      driver,
    );
  const sequencesOf = (batches: ReadonlyArray<readonly PendingEvent[]>) =>
    batches.map((batch) => batch.map((event) => event.sequence));
  /** One turn of a round as the driver takes it: the news taken in, the lease asked, pages read and batches started. */
  const turn = async () => {
    policy.takeNews(round);
    if (await policy.lead()) await policy.readAndStart(() => false);
  };
  /** Waits, as the driver does, until the policy had `count` more pieces of news since `wakes`. */
  const newsSince = (wakes: number, count: number) =>
    eventually(`${count} pieces of news`, () => driver.wakes >= wakes + count);

  /** Lane a's first batch, of `events`, is refused, and the policy took that in. */
  const refuseLaneA = async (events: number) => {
    outbox.append(events, 'a');
    broker.refuseLane('lane of a');
    await turn();
    await newsSince(0, 1);
    policy.takeNews(round);
  };

  /** Lane a's broker takes its batches again and its retry falls due: the kept batch goes, then the lane's next. */
  const retryLaneAAccepted = async () => {
    broker.acceptLane('lane of a');
    policy.retryDue('lane of a');
    await turn();
    await newsSince(2, 1);
    await turn();
    await newsSince(3, 1);
    policy.takeNews(round);
  };

  beforeEach(async () => {
    outbox = new InMemoryPendingEvents();
    broker = new RecordingPublisher();
    broker.lanes = (event) => `lane of ${event.aggregateId}`;
    log = new RecordingRelayLog();
    clock = new FixedClock(new Date('2030-01-01T12:00:00Z'));
    driver = new ManualRelayDriver();
    policy = policyWith();
    round = await policy.beginRound();
  });
  afterEach(() => broker.releaseAcks());

  it('starts one batch per lane, each of its oldest events, and no second one on a lane whose batch is in flight', async () => {
    outbox.append(4, 'a');
    outbox.append(2, 'b');
    broker.holdAcks();
    await turn();
    expect(broker.waitingForAck).to.equal(2);
    await turn();
    expect(broker.attempts, 'batches started while the first ones are in flight').to.equal(2);
    broker.releaseAcks();
    await newsSince(0, 2);
    await turn();
    await newsSince(2, 1);
    policy.takeNews(round);
    expect(sequencesOf(broker.acknowledged)).to.deep.equal([[1n, 2n, 3n], [5n, 6n], [4n]]);
    expect(round).to.deep.equal({ published: 6, failures: [] });
    expect(policy.roundOver).to.equal(true);
  });

  it('marks a batch published only once the broker acknowledged it', async () => {
    outbox.append(2, 'a');
    broker.holdAcks();
    await turn();
    expect(outbox.unpublished).to.deep.equal([1n, 2n]);
    broker.releaseAcks();
    await newsSince(0, 1);
    expect(outbox.unpublished).to.deep.equal([]);
  });

  it('asks the lease before each page after the first, and reads no further once the answer is no', async () => {
    policy = policyWith({}, new ScriptedLeadership([true, true, false], outbox.journal));
    outbox.append(9, 'a');
    broker.holdAcks();
    await turn();
    expect(outbox.journal).to.deep.equal(['may I?', 'next 3', 'may I?', 'next 3 after 3', 'may I?']);
    expect(broker.attempts).to.equal(1);
  });

  it('asks the driver to call a failed lane back after a delay that doubles with its failures in a row, and sends it nothing meanwhile', async () => {
    outbox.append(2, 'a');
    outbox.append(1, 'b');
    broker.refuseLane('lane of a');
    await turn();
    await newsSince(0, 2);
    await turn();
    expect(driver.retries).to.deep.equal([{ lane: 'lane of a', delayMs: 1 }]);
    expect(broker.attempts, 'sends before the retry is due').to.equal(2);
    policy.retryDue('lane of a');
    await turn();
    await newsSince(3, 1);
    expect(driver.retries.map((retry) => retry.delayMs)).to.deep.equal([1, 2]);
    expect(log.retryDelays).to.deep.equal([1, 2]);
    expect(round.failures).to.have.length(1);
    expect(sequencesOf(broker.acknowledged)).to.deep.equal([[3n]]);
  });

  it('waits the first delay again after a retry the broker’s return made due fails, not the longest the outage reached', async () => {
    policy = policyWith({ retry: { initialDelayMs: 1, maxDelayMs: 64 } });
    outbox.append(1, 'a');
    broker.refuseLane('lane of a');
    for (let attempt = 0; attempt < 4; attempt++) {
      const wakes = driver.wakes;
      await turn();
      await newsSince(wakes, 1);
      policy.takeNews(round);
      policy.retryDue('lane of a');
    }
    expect(driver.retries.map((retry) => retry.delayMs)).to.deep.equal([1, 2, 4, 8]);
    const wakes = driver.wakes;
    policy.retryDue('lane of a', true);
    await turn();
    await newsSince(wakes, 1);
    policy.takeNews(round);
    expect(driver.retries.map((retry) => retry.delayMs)).to.deep.equal([1, 2, 4, 8, 1]);
    policy.afterRound(round);
    expect(log.outagesEnded, 'the outage goes on: the lane still counts as failing').to.deep.equal([]);
  });

  it('sends a failed batch again exactly as it was once its retry is due, before the events its lane got meanwhile', async () => {
    policy = policyWith({ batchSize: 10 });
    await refuseLaneA(2);
    outbox.append(2, 'a');
    await retryLaneAAccepted();
    expect(sequencesOf(broker.acknowledged)).to.deep.equal([
      [1n, 2n],
      [3n, 4n],
    ]);
    expect(outbox.unpublished).to.deep.equal([]);
  });

  it('starts nothing more once the lanes are laid out anew (the topic recreated with other partitions), and the next round reads every unpublished event in order on the new lanes', async () => {
    broker.lanesInAll = 2;
    policy = policyWith({ batchSize: 10 });
    round = await policy.beginRound();
    await refuseLaneA(2);
    broker.lanesInAll = 1;
    broker.lanes = () => 'the only partition left';
    outbox.append(1, 'a');
    outbox.append(1, 'b');
    policy.retryDue('lane of a');
    await turn();
    expect(broker.attempts, 'sends under the old lanes after the new layout').to.equal(1);
    expect(policy.roundOver).to.equal(true);

    round = await policy.beginRound();
    await turn();
    await newsSince(2, 1);
    policy.takeNews(round);
    expect(sequencesOf(broker.acknowledged)).to.deep.equal([[1n, 2n, 3n, 4n]]);
    expect(outbox.unpublished).to.deep.equal([]);
  });

  it('reports an outage once when a publish stalls, and its end once the publish is acknowledged', async () => {
    outbox.append(1, 'a');
    broker.holdAcks();
    await turn();
    expect(driver.watched).to.deep.equal(['lane of a']);
    policy.publishStalled('lane of a', 30);
    policy.publishStalled('lane of a', 30);
    expect(log.outagesBegun).to.have.length(1);
    expect(log.outagesBegun[0]).to.be.instanceOf(PublishStalled);
    broker.releaseAcks();
    await newsSince(0, 1);
    expect(log.outagesEnded).to.have.length(1);
    expect(driver.watched, 'publishes watched once acknowledged').to.deep.equal([]);
  });

  it('waits for news after a round, or hands the lease over once a failing outage outlasted the bound, giving up its retries', async () => {
    policy = policyWith({ handOverAfterMs: 30_000 });
    await refuseLaneA(1);
    expect(policy.afterRound(round)).to.equal('wait for news');
    clock.advance(30_000);
    expect(policy.afterRound(round)).to.equal('hand over');
    expect(driver.cancellations).to.equal(1);
    await policy.handOver();
    expect(log.leadership).to.deep.equal(['leading', 'handing over']);
    expect(log.outagesEnded, 'the outage goes on').to.deep.equal([]);
  });

  it('retries a round that failed as a whole after doubling delays, and hands over once the outage outlasted the bound', async () => {
    policy = policyWith({ handOverAfterMs: 30_000 });
    expect(await policy.lead()).to.equal(true);
    const failure = new Error('outbox out of reach');
    expect([1, 2, 3].map(() => policy.afterFailedRound(failure))).to.deep.equal([
      { kind: 'retry', delayMs: 1 },
      { kind: 'retry', delayMs: 2 },
      { kind: 'retry', delayMs: 4 },
    ]);
    clock.advance(30_000);
    expect(policy.afterFailedRound(failure)).to.deep.equal({ kind: 'hand over' });
    expect(log.outagesBegun).to.deep.equal([failure]);
  });

  it('measures an outage on the monotonic clock: a step of the wall clock, forward or back, neither hands the lease over early nor keeps it', async () => {
    const DAY_MS = 86_400_000;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -30 * DAY_MS, max: 30 * DAY_MS }).filter((step) => step !== 0),
        fc.integer({ min: 0, max: 60_000 }),
        async (wallStep, lastedMs) => {
          const wall = new FixedClock(new Date('2030-01-01T12:00:00Z'));
          let monotonic = 1_000;
          const measured = new RelayPolicy(
            {
              pending: outbox,
              publisher: broker,
              leadership: soleLeadership(),
              clock: wall,
              log,
              monotonic: () => monotonic,
            },
            { ...SETTINGS, handOverAfterMs: 30_000 },
            driver,
          );
          expect(await measured.lead()).to.equal(true);
          const failure = new Error('outbox out of reach');
          expect(measured.afterFailedRound(failure).kind).to.equal('retry');
          wall.advance(wallStep);
          monotonic += lastedMs;
          expect(measured.afterFailedRound(failure).kind).to.equal(lastedMs >= 30_000 ? 'hand over' : 'retry');
        },
      ),
      propertyParameters(200),
    );
  });

  it('ends an outage after a round only when every lane is well again', async () => {
    await refuseLaneA(1);
    expect(policy.afterRound(round)).to.equal('wait for news');
    expect(log.outagesEnded, 'a lane still waits to retry').to.deep.equal([]);
    broker.acceptLane('lane of a');
    policy.retryDue('lane of a');
    await turn();
    await newsSince(2, 1);
    expect(log.outagesEnded).to.have.length(1);
  });

  it("stops retrying when it stands by: the driver drops the lanes' retries, and one falling due starts nothing", async () => {
    await refuseLaneA(1);
    policy.standBy();
    expect(driver.cancellations).to.equal(1);
    const wakes = driver.wakes;
    policy.retryDue('lane of a');
    expect(driver.wakes).to.equal(wakes);
  });

  it('keeps a failed batch while it stands by and, leading again, sends it exactly as it was once the outbox shows none of it published', async () => {
    policy = policyWith({ batchSize: 10 });
    await refuseLaneA(2);
    policy.standBy();
    outbox.append(2, 'a');
    broker.acceptLane('lane of a');
    round = await policy.beginRound();
    await turn();
    await newsSince(1, 1);
    await turn();
    await newsSince(2, 1);
    policy.takeNews(round);
    expect(sequencesOf(broker.acknowledged)).to.deep.equal([
      [1n, 2n],
      [3n, 4n],
    ]);
    expect(outbox.journal).to.include('check 1,2');
    expect(outbox.unpublished).to.deep.equal([]);
  });

  it('drops a batch it kept while standing by once another relay published any of it, and reads that lane anew', async () => {
    policy = policyWith({ batchSize: 10 });
    await refuseLaneA(2);
    policy.standBy();
    outbox.markedElsewhere([1n]);
    outbox.append(1, 'a');
    broker.acceptLane('lane of a');
    round = await policy.beginRound();
    await turn();
    await newsSince(1, 1);
    policy.takeNews(round);
    expect(sequencesOf(broker.acknowledged)).to.deep.equal([[2n, 3n]]);
    expect(outbox.unpublished).to.deep.equal([]);
  });
  it('sends a failed batch again as it was after a database restored under it gave its positions to other events, marks none of those for it, and publishes them too', async () => {
    policy = policyWith({ batchSize: 10 });
    await refuseLaneA(3);
    outbox.restore(0n);
    const after = outbox.append(3, 'a');
    await retryLaneAAccepted();
    expect(broker.acknowledged.map((batch) => batch.map((event) => event.eventId))).to.deep.equal([
      ['event-1', 'event-2', 'event-3'],
      after.map((event) => event.eventId),
    ]);
    expect(outbox.unpublished).to.deep.equal([]);
  });
});
