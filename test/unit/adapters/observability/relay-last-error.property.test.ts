import fc from 'fast-check';
import { RelayStatusTracker } from '../../../../src/adapters/observability/relay-status-tracker.js';
import { ServiceMetrics } from '../../../../src/adapters/observability/service-metrics.js';
import { silentRelayLog } from '../../../fakes/silent-relay-log.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

/** Errors as client libraries wrap them: each a class of its own, its message naming an address, caused by the next. */
const chains = fc.array(
  fc.record({
    name: fc.constantFrom(
      'KafkaJSNonRetriableError',
      'KafkaJSNumberOfRetriesExceeded',
      'KafkaJSConnectionError',
      'Error',
    ),
    host: fc.ipV4(),
  }),
  { minLength: 1, maxLength: 4 },
);

function chained(links: ReadonlyArray<{ name: string; host: string }>): Error {
  return links.reduceRight<Error | undefined>((cause, { name, host }) => {
    const error = new Error(`connect ECONNREFUSED ${host}:9092`, cause === undefined ? {} : { cause });
    error.name = name;
    return error;
  }, undefined)!;
}

describe("The relay status's last error", () => {
  it('names the class of the error and of each of its causes, outermost first, and none of their messages', () => {
    fc.assert(
      fc.property(chains, chains, (first, last) => {
        const tracker = new RelayStatusTracker(new ServiceMetrics());
        const log = tracker.listeningTo(silentRelayLog);
        log.leading();
        log.outageBegan(chained(first));
        const began = tracker.relayStatus();
        expect(began).to.include({ state: 'broker-unreachable', lastError: first.map((l) => l.name).join(' <- ') });
        log.retryScheduled(1, 100, chained(last));
        const status = tracker.relayStatus() as { lastError: string };
        expect(status.lastError).to.equal(last.map((l) => l.name).join(' <- '));
        for (const { host } of [...first, ...last]) expect(JSON.stringify(tracker.relayStatus())).not.to.contain(host);
      }),
      propertyParameters(200),
    );
  });
});
