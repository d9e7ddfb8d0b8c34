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
 * While held it is renewed every `renewEveryMs` (`renew`, which the relay's driver calls apart from its rounds), so
 * a broker outage and its backoff do not cost it. The answer is yes only while more than `renewEveryMs` of the
 * lease is left, so a relay whose renewals fail (the database out of reach, the process paused) stops starting
 * batches before any other relay can take the lease over.
 */
export class RelayLeadership {
  private heldUntil: number | undefined;
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

  /** How often the lease is to be renewed while held. */
  get renewEveryMs(): number {
    return this.settings.renewEveryMs;
  }

  /** Renews the lease if held (a failure only shows in the answers that follow); does nothing otherwise. */
  async renew(): Promise<void> {
    if (this.heldUntil === undefined) return;
    await this.ask().catch(() => undefined);
  }

  /** Gives the lease up, if held, so a standby takes over at once; renewals do nothing until it is taken again. */
  async stepDown(): Promise<void> {
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
    this.heldUntil = held ? askedAt + this.settings.ttlMs : undefined;
    return held;
  }
}
