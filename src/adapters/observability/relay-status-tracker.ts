import { PublishStalled, type RelayLog } from '../../application/index.js';
import type { RelayStatus, RelayStatusSource } from './relay-status.js';
import type { ServiceMetrics } from './service-metrics.js';

/**
 * Knows the relay's state from what the relay reports anyway: it listens in on the relay's log, counts
 * each failed attempt in `outbox_relay_errors_total` and sets `outbox_relay_leading`. The relay itself needs no change.
 */
export class RelayStatusTracker implements RelayStatusSource {
  private status: RelayStatus;

  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.status = { state: 'running', since: now() };
  }

  relayStatus(): RelayStatus {
    return { ...this.status };
  }

  /** The relay's log with this tracker listening in; every entry is passed on unchanged. */
  listeningTo(log: RelayLog): RelayLog {
    return {
      outageBegan: (error) => {
        this.status = { state: 'broker-unreachable', since: this.now(), failedAttempts: 0, lastError: kindOf(error) };
        this.metrics.relayDegraded.set(1);
        // A stalled publish is not an attempt that failed (it goes on), yet it is an error the operator must see.
        if (error instanceof PublishStalled) this.metrics.relayErrors.inc();
        log.outageBegan(error);
      },
      retryScheduled: (failedAttempts, delayMs, error) => {
        this.metrics.relayErrors.inc();
        if (this.status.state === 'broker-unreachable') {
          this.status = { ...this.status, failedAttempts, lastError: kindOf(error) };
        }
        log.retryScheduled(failedAttempts, delayMs, error);
      },
      outageEnded: (failedAttempts, downForMs) => {
        this.status = { state: 'running', since: this.now() };
        this.metrics.relayDegraded.set(0);
        log.outageEnded(failedAttempts, downForMs);
      },
      leading: () => {
        this.status = { state: 'running', since: this.now() };
        this.metrics.relayLeading.set(1);
        log.leading();
      },
      standingBy: () => {
        this.status = { state: 'standby', since: this.now() };
        this.metrics.relayLeading.set(0);
        this.metrics.relayDegraded.set(0);
        log.standingBy();
      },
      handingOver: (downForMs) => {
        log.handingOver(downForMs);
      },
    };
  }

  /** Called once the relay has stopped (during shutdown). */
  stopped(): void {
    this.status = { state: 'stopped', since: this.now() };
    this.metrics.relayLeading.set(0);
    this.metrics.relayDegraded.set(0);
  }
}

/** The error's class name: health answers are unauthenticated, so the message (with addresses) stays in the log. */
function kindOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
