import fc from 'fast-check';
import { RelayStatusTracker } from '../../../../src/adapters/observability/relay-status-tracker.js';
import { ServiceMetrics } from '../../../../src/adapters/observability/service-metrics.js';
import { PublishStalled, type RelayLog } from '../../../../src/application/index.js';
import { silentRelayLog } from '../../../fakes/silent-relay-log.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

type Entry =
  | 'outageBegan'
  | 'stalled'
  | 'retryScheduled'
  | 'outageEnded'
  | 'leading'
  | 'standingBy'
  | 'handingOver'
  | 'tookLeaseBack';

const entries = fc.array(
  fc.constantFrom<Entry>(
    'outageBegan',
    'stalled',
    'retryScheduled',
    'outageEnded',
    'leading',
    'standingBy',
    'handingOver',
    'tookLeaseBack',
  ),
  { maxLength: 30 },
);

function tell(log: RelayLog, entry: Entry): void {
  if (entry === 'outageBegan') log.outageBegan(new Error('connection refused'));
  else if (entry === 'stalled') log.outageBegan(new PublishStalled(3_000));
  else if (entry === 'retryScheduled') log.retryScheduled(1, 100, new Error('connection refused'));
  else if (entry === 'outageEnded') log.outageEnded(1, 100);
  else if (entry === 'handingOver') log.handingOver(30_000);
  else log[entry]();
}

/** Whether this relay holds the lease after the entries: from taking it (back) until it stands by or hands it over. */
function expectedLeading(told: readonly Entry[]): boolean {
  let holds = false;
  for (const entry of told) {
    if (entry === 'leading' || entry === 'tookLeaseBack') holds = true;
    else if (entry === 'standingBy' || entry === 'handingOver') holds = false;
  }
  return holds;
}

/**
 * What the status must say after the entries: standby while another relay leads or may take the lease this one handed
 * over, else whether an outage goes on (the one it handed the lease over in, when it took the lease back).
 */
function expectedState(told: readonly Entry[]): string {
  let standingBy = false;
  let outage = false;
  let handedOverIn = false;
  for (const entry of told) {
    if (entry === 'leading' || entry === 'standingBy') {
      standingBy = entry === 'standingBy';
      outage = false;
      handedOverIn = false;
    } else if (entry === 'handingOver') {
      standingBy = true;
      handedOverIn = outage;
      outage = false;
    } else if (entry === 'tookLeaseBack') {
      standingBy = false;
      outage = outage || handedOverIn;
      handedOverIn = false;
    } else if (entry === 'outageBegan' || entry === 'stalled') outage = true;
    else if (entry === 'outageEnded') {
      outage = false;
      handedOverIn = false;
    }
  }
  if (standingBy) return 'standby';
  return outage ? 'broker-unreachable' : 'running';
}

async function gauge(metrics: ServiceMetrics, name: string): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values[0]?.value ?? 0;
}

describe('The relay status, whatever the relay reported in whatever order', () => {
  it('is standby while another relay leads or after this one handed the lease over, broker-unreachable during an outage of the leading relay, running otherwise; the degraded gauge says the same, and the leading gauge is 1 only while it holds the lease', async () => {
    await fc.assert(
      fc.asyncProperty(entries, async (told) => {
        const metrics = new ServiceMetrics();
        const tracker = new RelayStatusTracker(metrics);
        const log = tracker.listeningTo(silentRelayLog);
        for (const entry of told) tell(log, entry);
        const state = expectedState(told);
        expect(tracker.relayStatus().state).to.equal(state);
        expect(await gauge(metrics, 'outbox_relay_degraded')).to.equal(state === 'broker-unreachable' ? 1 : 0);
        expect(await gauge(metrics, 'outbox_relay_leading')).to.equal(expectedLeading(told) ? 1 : 0);
      }),
      propertyParameters(300),
    );
  });
});
