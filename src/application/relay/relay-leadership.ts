import type { RelayLease } from '../ports/relay-lease.js';

export interface LeadershipSettings {
  /** How long the lease lasts from each renewal: how long standbys wait before taking over from a relay that died. */
  ttlMs: number;
  /** How often the holder renews the lease; it also stops starting batches this long before the lease can expire. */
  renewEveryMs: number;
}

/**
 * Answers the relay's one question, "may I publish now?", from a lease that one relay at a time holds.
 *
 * The lease is held for `ttlMs` from the moment this relay asked for it: the database lets it expire no sooner.
 * While held it is renewed every `renewEveryMs`, apart from the relay's own loop, so a broker outage and its backoff
 * do not cost it. The answer is yes only while more than `renewEveryMs` of the lease is left, so a relay whose
 * renewals fail (the database out of reach, the process paused) stops starting batches before any other relay can
 * take the lease over.
 */
export class RelayLeadership {
  private heldUntil: number | undefined;
  private renewal: ReturnType<typeof setInterval> | undefined;
  private asking: Promise<boolean> | undefined;

  constructor(
    private readonly lease: RelayLease,
    private readonly settings: LeadershipSettings,
    /** Milliseconds on a clock that never goes back. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Cheap while the lease is held with time to spare; otherwise asks the lease (takes it when it is free). */
  async mayPublish(): Promise<boolean> {
    if (this.holdsWithTimeToSpare()) return true;
    return (await this.ask()) && this.holdsWithTimeToSpare();
  }

  /** Stops renewing and gives the lease up, if held, so a standby takes over at once. */
  async stepDown(): Promise<void> {
    this.stopRenewing();
    await this.asking?.catch(() => undefined);
    if (this.heldUntil === undefined) return;
    this.heldUntil = undefined;
    await this.lease.release();
  }

  private holdsWithTimeToSpare(): boolean {
    return this.heldUntil !== undefined && this.now() < this.heldUntil - this.settings.renewEveryMs;
  }

  /** One question to the lease at a time: a renewal and the relay's own question share it. */
  private ask(): Promise<boolean> {
    this.asking ??= this.acquire().finally(() => {
      this.asking = undefined;
    });
    return this.asking;
  }

  private async acquire(): Promise<boolean> {
    const askedAt = this.now();
    const held = await this.lease.acquire();
    if (held) {
      this.heldUntil = askedAt + this.settings.ttlMs;
      this.renewal ??= setInterval(() => void this.ask().catch(() => undefined), this.settings.renewEveryMs).unref();
    } else {
      this.heldUntil = undefined;
      this.stopRenewing();
    }
    return held;
  }

  private stopRenewing(): void {
    clearInterval(this.renewal);
    this.renewal = undefined;
  }
}
