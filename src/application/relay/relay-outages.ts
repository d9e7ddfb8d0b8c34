import type { RelayLog } from '../ports/relay-log.js';

/** A publish still waits for the broker's acknowledgement past the stall threshold (it goes on waiting). */
export class PublishStalled extends Error {
  override readonly name = 'PublishStalled';
  constructor(readonly waitedMs: number) {
    super(`no acknowledgement from the broker after ${waitedMs} ms; still waiting`);
  }
}

/** Times are milliseconds on a clock that never goes back: an outage's length is a span of time, not two dates. */
interface Outage {
  since: number;
  failedAttempts: number;
  lastError: unknown;
  /** When this relay last handed the lease over in this outage and took it back, none taking it meanwhile. */
  handedOverAt?: number;
}

/**
 * Since when, and how often, the relay has failed to publish: an outage is begun by a failure or by a stalled
 * publish, and reported once when it begins and once when it ends, however many attempts fail meanwhile.
 */
export class RelayOutages {
  private outage: Outage | undefined;
  private lastAcknowledgedAt: number | undefined;

  constructor(
    /** Milliseconds on a clock that never goes back (`performance.now()`), not the wall clock. */
    private readonly now: () => number,
    private readonly log: RelayLog,
  ) {}

  /** Begins an outage, unless one is going on already. */
  begin(error: unknown): void {
    if (this.outage !== undefined) return;
    this.outage = { since: this.now(), failedAttempts: 0, lastError: error };
    this.log.outageBegan(error);
  }

  /** Reports the outage going on, if any, as begun: the relay took the lease (back) and is the one that cannot publish. */
  reportOngoing(): void {
    if (this.outage !== undefined) this.log.outageBegan(this.outage.lastError);
  }

  /** Counts a failed attempt, beginning an outage if none is going on; answers how many failed in this outage. */
  failedAttempt(error: unknown): number {
    this.begin(error);
    this.outage!.failedAttempts++;
    this.outage!.lastError = error;
    return this.outage!.failedAttempts;
  }

  acknowledged(): void {
    this.lastAcknowledgedAt = this.now();
  }

  end(): void {
    if (this.outage === undefined) return;
    this.log.outageEnded(this.outage.failedAttempts, Math.round(this.now() - this.outage.since));
    this.outage = undefined;
  }

  /** Drops the outage unreported: another relay holds the lease and reports its own. */
  forget(): void {
    this.outage = undefined;
  }

  /** The outage has lasted `boundMs` with no batch acknowledged since it began (or since the lease came back). */
  lasted(boundMs: number): boolean {
    if (this.outage === undefined) return false;
    const since = [this.outage.handedOverAt ?? this.outage.since, this.lastAcknowledgedAt ?? this.outage.since];
    return this.now() - Math.max(...since) >= boundMs;
  }

  /**
   * Reports that the relay gives the lease up. The outage goes on: a relay that takes the lease reports its own
   * (this one then stands by), and when this one takes it back, the outage ends at its first acknowledged batch.
   */
  handingOver(): void {
    const outage = this.outage!;
    this.log.handingOver(Math.round(this.now() - outage.since));
    outage.handedOverAt = this.now();
  }
}
