import { OutboxUnreachable, PublishStalled, type RelayLog } from '../../application/index.js';
import { causeNames } from '../logging/one-line-cause.js';
import type { RelayStatus, RelayStatusSource } from './relay-status.js';
import type { ServiceMetrics } from './service-metrics.js';

interface Outage {
  since: Date;
  failedAttempts: number;
  /** Class names only: readiness answers anyone, so the messages, which name addresses, stay in the log. */
  lastError: string;
  /** The last failure was the relay's database work (OutboxUnreachable), not the broker's. */
  onDatabase: boolean;
}

/** The `cause` label of `outbox_relay_errors_total`: the database's part of an outage, or the broker's. */
function errorCause(error: unknown): 'database' | 'broker' {
  return error instanceof OutboxUnreachable ? 'database' : 'broker';
}

function outageFacts(error: unknown): Pick<Outage, 'lastError' | 'onDatabase'> {
  return { lastError: causeNames(error), onDatabase: error instanceof OutboxUnreachable };
}

/**
 * Knows the relay's state from what the relay reports anyway: it listens in on the relay's log, counts
 * each failed attempt in `outbox_relay_errors_total` and sets `outbox_relay_leading`. The relay itself needs no change.
 * The state follows from two facts kept apart: whether this relay leads, and whether an outage it reported goes on.
 * A relay that stands by is `standby` whatever its last batch in flight comes to; one that takes the lease starts
 * out `running` and reports again the outage it is still in. One that handed the lease over stands by until it leads
 * again: when it takes the lease back, none taking it meanwhile, its outage goes on. A relay whose last failure was
 * its database work is `database-unreachable`, and does not count as leading: it cannot renew its lease, which
 * another relay may take meanwhile.
 */
export class RelayStatusTracker implements RelayStatusSource {
  /**
   * Whether this relay holds the lease, as it last reported: taken (back), or not (standing by for another, or
   * handed over); unknown until it first says.
   */
  private holdsLease: boolean | undefined;
  private outage: Outage | undefined;
  /** The outage this relay was in when it handed the lease over, resumed if it takes the lease back. */
  private handedOverIn: Outage | undefined;
  private stoppedAt: Date | undefined;
  private since: Date;
  /** The stall counted last: one reported again after a change of lease is not a second error. */
  private countedStall: PublishStalled | undefined;

  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.since = now();
  }

  relayStatus(): RelayStatus {
    if (this.stoppedAt !== undefined) return { state: 'stopped', since: this.stoppedAt };
    if (this.holdsLease === false) return { state: 'standby', since: this.since };
    if (this.outage !== undefined) {
      const { onDatabase, ...details } = this.outage;
      return { state: onDatabase ? 'database-unreachable' : 'broker-unreachable', ...details };
    }
    return { state: 'running', since: this.since };
  }

  /** The relay's log with this tracker listening in; every entry is passed on unchanged. */
  listeningTo(log: RelayLog): RelayLog {
    return {
      outageBegan: (error) => {
        // A stalled publish is not an attempt that failed (it goes on), yet it is an error the operator must see.
        if (error instanceof PublishStalled && error !== this.countedStall) {
          this.countedStall = error;
          this.metrics.relayErrors.inc({ cause: 'broker' });
        }
        this.change(() => {
          this.outage = { since: this.now(), failedAttempts: 0, ...outageFacts(error) };
        });
        log.outageBegan(error);
      },
      retryScheduled: (failedAttempts, delayMs, error) => {
        this.metrics.relayErrors.inc({ cause: errorCause(error) });
        this.change(() => {
          if (this.outage !== undefined) this.outage = { ...this.outage, failedAttempts, ...outageFacts(error) };
        });
        log.retryScheduled(failedAttempts, delayMs, error);
      },
      outageEnded: (failedAttempts, downForMs) => {
        this.change(() => {
          this.outage = undefined;
          this.handedOverIn = undefined;
        });
        log.outageEnded(failedAttempts, downForMs);
      },
      leading: () => {
        this.change(() => {
          this.holdsLease = true;
          this.outage = undefined;
          this.handedOverIn = undefined;
        }, true);
        log.leading();
      },
      standingBy: () => {
        this.change(() => {
          this.holdsLease = false;
          this.outage = undefined;
          this.handedOverIn = undefined;
        });
        log.standingBy();
      },
      handingOver: (downForMs) => {
        this.change(() => {
          this.holdsLease = false;
          this.handedOverIn = this.outage;
          this.outage = undefined;
        });
        log.handingOver(downForMs);
      },
      tookLeaseBack: () => {
        this.change(() => {
          this.holdsLease = true;
          this.outage = this.outage ?? this.handedOverIn;
          this.handedOverIn = undefined;
        });
        log.tookLeaseBack();
      },
    };
  }

  /** Called once the relay has stopped (during shutdown). */
  stopped(): void {
    this.stoppedAt = this.now();
    this.metrics.relayLeading.set(0);
    this.metrics.relayDegraded.set(0);
  }

  /**
   * Applies a change of the facts; the state's `since` moves when the state changed (or `restart` says so), and the
   * gauges follow the facts.
   */
  private change(apply: () => void, restart = false): void {
    const before = this.relayStatus().state;
    apply();
    const after = this.relayStatus().state;
    if (restart || after !== before) this.since = this.now();
    this.metrics.relayDegraded.set(after === 'broker-unreachable' || after === 'database-unreachable' ? 1 : 0);
    this.metrics.relayLeading.set(this.holdsLease === true && !this.outage?.onDatabase ? 1 : 0);
  }
}
