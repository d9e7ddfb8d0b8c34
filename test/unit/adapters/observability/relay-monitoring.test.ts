import { MeasuredEventPublisher } from '../../../../src/adapters/observability/measured-event-publisher.js';
import { RelayStatusTracker } from '../../../../src/adapters/observability/relay-status-tracker.js';
import { ServiceMetrics } from '../../../../src/adapters/observability/service-metrics.js';
import {
  OutboxUnreachable,
  type PendingEvent,
  PublishStalled,
  type RelayLog,
} from '../../../../src/application/index.js';
import { RecordingPublisher } from '../../../fakes/recording-publisher.js';
import { expect } from '../../../support/expect.js';

class KafkaJSConnectionError extends Error {
  override name = 'KafkaJSConnectionError';
}

function recordingLog(): RelayLog & { entries: string[] } {
  const entries: string[] = [];
  return {
    entries,
    outageBegan: () => entries.push('began'),
    retryScheduled: (attempts) => entries.push(`retry ${attempts}`),
    outageEnded: (attempts) => entries.push(`ended ${attempts}`),
    leading: () => entries.push('leading'),
    standingBy: () => entries.push('standing by'),
    handingOver: () => entries.push('handing over'),
    tookLeaseBack: () => entries.push('took the lease back'),
  };
}

/** The sum of `name`'s samples, or of those with `labels`. */
async function sampleValue(
  metrics: ServiceMetrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([label, value]) => v.labels[label] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('RelayStatusTracker', () => {
  let now: Date;
  let log: ReturnType<typeof recordingLog>;
  let metrics: ServiceMetrics;
  let tracker: RelayStatusTracker;
  let relayLog: RelayLog;

  beforeEach(() => {
    now = new Date('2030-01-01T12:00:00Z');
    log = recordingLog();
    metrics = new ServiceMetrics();
    tracker = new RelayStatusTracker(metrics, () => now);
    relayLog = tracker.listeningTo(log);
  });

  it('reports a stalled publish as degraded in the status and the metrics, counted as one error, until it ends', async () => {
    relayLog.outageBegan(new PublishStalled(3_000));
    expect(tracker.relayStatus()).to.deep.equal({
      state: 'broker-unreachable',
      since: now,
      failedAttempts: 0,
      lastError: 'PublishStalled',
    });
    expect(await sampleValue(metrics, 'outbox_relay_degraded')).to.equal(1);
    expect(await sampleValue(metrics, 'outbox_relay_errors_total')).to.equal(1);
    relayLog.outageEnded(0, 4_000);
    expect(await sampleValue(metrics, 'outbox_relay_degraded')).to.equal(0);
  });

  it('reports running until the relay reports an outage', () => {
    expect(tracker.relayStatus()).to.deep.equal({ state: 'running', since: now });
  });

  it('reports the broker unreachable during an outage, with the attempts and the kind of the last error', () => {
    const error = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 10.1.2.3:9092');
    relayLog.outageBegan(error);
    relayLog.retryScheduled(1, 100, error);
    relayLog.retryScheduled(2, 200, error);
    expect(tracker.relayStatus()).to.deep.equal({
      state: 'broker-unreachable',
      since: now,
      failedAttempts: 2,
      lastError: 'KafkaJSConnectionError',
    });
  });

  it('reports running again when the outage ends, and stopped once the relay stopped', () => {
    relayLog.outageBegan(new Error('down'));
    now = new Date('2030-01-01T12:05:00Z');
    relayLog.outageEnded(3, 300_000);
    expect(tracker.relayStatus()).to.deep.equal({ state: 'running', since: now });
    tracker.stopped();
    expect(tracker.relayStatus().state).to.equal('stopped');
  });

  it('reports standby while another relay holds the lease, and running once this one took it over', async () => {
    relayLog.standingBy();
    expect(tracker.relayStatus()).to.deep.equal({ state: 'standby', since: now });
    expect(await sampleValue(metrics, 'outbox_relay_leading')).to.equal(0);
    now = new Date('2030-01-01T12:00:07Z');
    relayLog.leading();
    expect(tracker.relayStatus()).to.deep.equal({ state: 'running', since: now });
    expect(await sampleValue(metrics, 'outbox_relay_leading')).to.equal(1);
  });

  it('passes every entry on to the relay log it listens to', () => {
    relayLog.outageBegan(new Error('down'));
    relayLog.retryScheduled(1, 100, new Error('down'));
    relayLog.outageEnded(1, 100);
    relayLog.standingBy();
    relayLog.leading();
    expect(log.entries).to.deep.equal(['began', 'retry 1', 'ended 1', 'standing by', 'leading']);
  });

  it('counts every failed attempt in outbox_relay_errors_total, by whether the broker or the database failed it', async () => {
    relayLog.outageBegan(new Error('down'));
    relayLog.retryScheduled(1, 100, new Error('down'));
    relayLog.retryScheduled(2, 200, new Error('down'));
    relayLog.retryScheduled(3, 400, new OutboxUnreachable(new Error('no database')));
    expect(await sampleValue(metrics, 'outbox_relay_errors_total')).to.equal(3);
    expect(await sampleValue(metrics, 'outbox_relay_errors_total', { cause: 'broker' })).to.equal(2);
    expect(await sampleValue(metrics, 'outbox_relay_errors_total', { cause: 'database' })).to.equal(1);
  });
});

function pending(sequence: number): PendingEvent {
  return {
    sequence: BigInt(sequence),
    eventId: `e-${sequence}`,
    type: 'CampaignStarted',
    aggregateId: '42',
    occurredAt: new Date('2030-01-01T12:00:00Z'),
    payloadJson: '{}',
  };
}

describe('MeasuredEventPublisher', () => {
  it('times each acknowledged batch and counts its events', async () => {
    const metrics = new ServiceMetrics();
    const broker = new RecordingPublisher();
    const publisher = new MeasuredEventPublisher(broker, metrics);
    await publisher.publish([pending(1), pending(2), pending(3)]);
    await publisher.publish([pending(4)]);
    expect(broker.events.map((e) => e.eventId)).to.deep.equal(['e-1', 'e-2', 'e-3', 'e-4']);
    expect(await metrics.exposition()).to.match(/^outbox_relay_publish_duration_seconds_count 2$/m);
    expect(await sampleValue(metrics, 'outbox_relay_published_events_total')).to.equal(4);
  });

  it('lets a refused batch fail as it was, measuring nothing', async () => {
    const metrics = new ServiceMetrics();
    const broker = new RecordingPublisher();
    broker.goDown(new Error('broker refused'));
    const publisher = new MeasuredEventPublisher(broker, metrics);
    await expect(publisher.publish([pending(1)])).to.be.rejectedWith('broker refused');
    expect(await sampleValue(metrics, 'outbox_relay_published_events_total')).to.equal(0);
  });
});
