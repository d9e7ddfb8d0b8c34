import fc from 'fast-check';
import { RelayStatusTracker } from '../../../../src/adapters/observability/relay-status-tracker.js';
import { ServiceMetrics } from '../../../../src/adapters/observability/service-metrics.js';
import { OutboxUnreachable, PublishStalled, type RelayLog } from '../../../../src/application/index.js';
import { silentRelayLog } from '../../../fakes/silent-relay-log.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

type Entry =
  | 'outageBegan'
  | 'databaseOutageBegan'
  | 'stalled'
  | 'retryScheduled'
  | 'databaseRetryScheduled'
  | 'outageEnded'
  | 'leading'
  | 'standingBy'
  | 'handingOver'
  | 'tookLeaseBack';

const entries = fc.array(
  fc.constantFrom<Entry>(
    'outageBegan',
    'databaseOutageBegan',
    'stalled',
    'retryScheduled',
    'databaseRetryScheduled',
    'outageEnded',
    'leading',
    'standingBy',
    'handingOver',
    'tookLeaseBack',
  ),
  { maxLength: 30 },
);

function tell(log: RelayLog, entry: Entry): void {
  const databaseDown = new OutboxUnreachable(new Error('Connection terminated unexpectedly'));
  if (entry === 'outageBegan') log.outageBegan(new Error('connection refused'));
  else if (entry === 'databaseOutageBegan') log.outageBegan(databaseDown);
  else if (entry === 'databaseRetryScheduled') log.retryScheduled(1, 100, databaseDown);
  else if (entry === 'stalled') log.outageBegan(new PublishStalled(3_000));
  else if (entry === 'retryScheduled') log.retryScheduled(1, 100, new Error('connection refused'));
  else if (entry === 'outageEnded') log.outageEnded(1, 100);
  else if (entry === 'handingOver') log.handingOver(30_000);
  else log[entry]();
}

/**
 * Whether this relay counts as leading after the entries: it holds the lease from taking it (back) until it stands by
 * or hands it over, and counts as leading while it holds it and its last failure, if any, was not its database's.
 */
function expectedLeading(told: readonly Entry[]): boolean {
  let holds = false;
  for (const entry of told) {
    if (entry === 'leading' || entry === 'tookLeaseBack') holds = true;
    else if (entry === 'standingBy' || entry === 'handingOver') holds = false;
  }
  return holds && expectedOutage(told) !== 'database';
}

/** The outage going on after the entries, and whose it was by its last failure. */
function expectedOutage(told: readonly Entry[]): 'broker' | 'database' | undefined {
  let outage: 'broker' | 'database' | undefined;
  let handedOverIn: 'broker' | 'database' | undefined;
  for (const entry of told) {
    if (entry === 'leading' || entry === 'standingBy') {
      outage = undefined;
      handedOverIn = undefined;
    } else if (entry === 'handingOver') {
      handedOverIn = outage;
      outage = undefined;
    } else if (entry === 'tookLeaseBack') {
      outage = outage ?? handedOverIn;
      handedOverIn = undefined;
    } else if (entry === 'outageBegan' || entry === 'stalled') outage = 'broker';
    else if (entry === 'databaseOutageBegan') outage = 'database';
    else if (entry === 'retryScheduled' && outage !== undefined) outage = 'broker';
    else if (entry === 'databaseRetryScheduled' && outage !== undefined) outage = 'database';
    else if (entry === 'outageEnded') {
      outage = undefined;
      handedOverIn = undefined;
    }
  }
  return outage;
}

/**
 * What the status must say after the entries: standby while another relay leads or may take the lease this one handed
 * over, else whether an outage goes on (the one it handed the lease over in, when it took the lease back).
 */
function expectedState(told: readonly Entry[]): string {
  let standingBy = false;
  for (const entry of told) {
    if (entry === 'leading' || entry === 'standingBy' || entry === 'handingOver' || entry === 'tookLeaseBack')
      standingBy = entry === 'standingBy' || entry === 'handingOver';
  }
  if (standingBy) return 'standby';
  const outage = expectedOutage(told);
  return outage === undefined ? 'running' : `${outage}-unreachable`;
}

async function gauge(metrics: ServiceMetrics, name: string): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values[0]?.value ?? 0;
}

describe('The relay status, whatever the relay reported in whatever order', () => {
  it('is standby while another relay leads or after this one handed the lease over, broker- or database-unreachable (by its last failure) during an outage of the leading relay, running otherwise; the degraded gauge says the same, and the leading gauge is 1 only while it holds the lease and its database answers', async () => {
    await fc.assert(
      fc.asyncProperty(entries, async (told) => {
        const metrics = new ServiceMetrics();
        const tracker = new RelayStatusTracker(metrics);
        const log = tracker.listeningTo(silentRelayLog);
        for (const entry of told) tell(log, entry);
        const state = expectedState(told);
        expect(tracker.relayStatus().state).to.equal(state);
        expect(await gauge(metrics, 'outbox_relay_degraded')).to.equal(state.endsWith('-unreachable') ? 1 : 0);
        expect(await gauge(metrics, 'outbox_relay_leading')).to.equal(expectedLeading(told) ? 1 : 0);
      }),
      propertyParameters(300),
    );
  });
});
