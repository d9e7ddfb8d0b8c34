import type { RelayStatus, RelayStatusSource } from '../../application/ports/relay-status.js';
import type { ServiceMetrics } from './service-metrics.js';

/** The relay's log of outages (the application's RelayLog port), as this tracker listens to it. */
export interface RelayOutageLog {
  outageBegan(error: unknown): void;
  retryScheduled(failedAttempts: number, delayMs: number, error: unknown): void;
  outageEnded(failedAttempts: number, downForMs: number): void;
}

/**
 * Knows the relay's state from what the relay reports anyway: it sits between the relay and its log,
 * passes every entry on, and counts each failed attempt in `outbox_relay_errors_total`.
 */
export class RelayStatusTracker implements RelayOutageLog, RelayStatusSource {
  private status: RelayStatus;

  constructor(
    private readonly log: RelayOutageLog,
    private readonly metrics: ServiceMetrics,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.status = { state: 'running', since: now() };
  }

  relayStatus(): RelayStatus {
    return { ...this.status };
  }

  outageBegan(error: unknown): void {
    this.status = { state: 'broker-unreachable', since: this.now(), failedAttempts: 0, lastError: kindOf(error) };
    this.log.outageBegan(error);
  }

  retryScheduled(failedAttempts: number, delayMs: number, error: unknown): void {
    this.metrics.relayErrors.inc();
    if (this.status.state === 'broker-unreachable') {
      this.status = { ...this.status, failedAttempts, lastError: kindOf(error) };
    }
    this.log.retryScheduled(failedAttempts, delayMs, error);
  }

  outageEnded(failedAttempts: number, downForMs: number): void {
    this.status = { state: 'running', since: this.now() };
    this.log.outageEnded(failedAttempts, downForMs);
  }

  /** Called once the relay has stopped (during shutdown). */
  stopped(): void {
    this.status = { state: 'stopped', since: this.now() };
  }
}

/** The error's class name: health answers are unauthenticated, so the message (with addresses) stays in the log. */
function kindOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
