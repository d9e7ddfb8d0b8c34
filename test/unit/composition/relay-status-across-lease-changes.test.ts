import { RelayStatusTracker } from '../../../src/adapters/observability/relay-status-tracker.js';
import { ServiceMetrics } from '../../../src/adapters/observability/service-metrics.js';
import { InProcessOutboxSignal } from '../../../src/adapters/system/in-process-outbox-signal.js';
import { RelayLoop } from '../../../src/composition/relay-loop.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { InMemoryPendingEvents } from '../../fakes/in-memory-pending-events.js';
import { RecordingPublisher } from '../../fakes/recording-publisher.js';
import { RecordingRelayLog } from '../../fakes/recording-relay-log.js';
import { SwitchableLeadership } from '../../fakes/switchable-leadership.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';

describe('The relay status while the lease changes hands during an outage', () => {
  let outbox: InMemoryPendingEvents;
  let broker: RecordingPublisher;
  let lease: SwitchableLeadership;
  let log: RecordingRelayLog;
  let tracker: RelayStatusTracker;
  let relay: RelayLoop;

  beforeEach(() => {
    outbox = new InMemoryPendingEvents();
    broker = new RecordingPublisher();
    lease = new SwitchableLeadership();
    log = new RecordingRelayLog();
    tracker = new RelayStatusTracker(new ServiceMetrics());
    relay = new RelayLoop(
      {
        pending: outbox,
        publisher: broker,
        leadership: lease.leadership,
        clock: new FixedClock(new Date('2030-01-01T12:00:00Z')),
        log: tracker.listeningTo(log),
      },
      { batchSize: 3, pollIntervalMs: 10, retry: { initialDelayMs: 1, maxDelayMs: 4 }, publishStallMs: 30 },
      new InProcessOutboxSignal(),
    );
  });
  afterEach(async () => {
    broker.releaseAcks();
    await relay.stop();
  });

  async function stalledThenStandingBy(): Promise<void> {
    outbox.append(2);
    broker.holdAcks();
    relay.start();
    await eventually('the stall is reported', () => tracker.relayStatus().state === 'broker-unreachable');
    lease.takeAway();
    await eventually('it stands by', () => log.leadership.at(-1) === 'standing by');
  }

  it('says broker-unreachable, not running, when the relay takes the lease back while its publish is still stalled', async () => {
    await stalledThenStandingBy();
    lease.giveBack();
    await eventually('it leads again', () => log.leadership.at(-1) === 'leading');
    expect(tracker.relayStatus()).to.include({ state: 'broker-unreachable', lastError: 'PublishStalled' });
    broker.releaseAcks();
    await eventually('it runs once the publish is acknowledged', () => tracker.relayStatus().state === 'running');
  });

  it('says standby, not running, when the publish it left in flight is acknowledged while another relay leads', async () => {
    await stalledThenStandingBy();
    broker.releaseAcks();
    await eventually('the outage ends', () => log.outagesEnded.length === 1);
    expect(tracker.relayStatus().state).to.equal('standby');
  });
});
