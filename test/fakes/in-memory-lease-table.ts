import { type LeadershipSettings, RelayLeadership, type RelayLease } from '../../src/application/index.js';

export const LEASE_SETTINGS: LeadershipSettings = { ttlMs: 5_000, renewEveryMs: 1_000 };

/**
 * The lease row in memory, judged by a clock the test moves (`now`, in milliseconds). Each relay gets a lease
 * of its own over the one row; a relay can be cut off, as if the database were out of its reach.
 */
export class InMemoryLeaseTable {
  holder: string | undefined;
  private expiresAt = 0;
  private readonly cutOff = new Set<string>();
  /** Every relay that took the lease over from nobody or from another, in order. */
  readonly takeovers: string[] = [];

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = LEASE_SETTINGS.ttlMs,
  ) {}

  leaseFor(relay: string): RelayLease {
    return {
      acquire: async () => {
        this.reach(relay);
        const free = this.holder === undefined || this.expiresAt <= this.now();
        if (this.holder !== relay && !free) return false;
        if (this.holder !== relay) this.takeovers.push(relay);
        this.holder = relay;
        this.expiresAt = this.now() + this.ttlMs;
        return true;
      },
      release: async () => {
        this.reach(relay);
        if (this.holder === relay) this.holder = undefined;
      },
    };
  }

  /** The relay's lease, counting in `questions.asked` every time it is asked for (taken or renewed). */
  countedLeaseFor(relay: string): { lease: RelayLease; questions: { asked: number } } {
    const lease = this.leaseFor(relay);
    const questions = { asked: 0 };
    return {
      lease: {
        acquire: () => {
          questions.asked++;
          return lease.acquire();
        },
        release: () => lease.release(),
      },
      questions,
    };
  }

  /** A relay with a leadership of its own over this table. */
  leadershipFor(relay: string, settings: LeadershipSettings = LEASE_SETTINGS): RelayLeadership {
    return new RelayLeadership(this.leaseFor(relay), settings, this.now);
  }

  /** Every call of this relay fails until `reconnect`, as if it lost its connection to the database. */
  cutOffFromDatabase(relay: string): void {
    this.cutOff.add(relay);
  }

  reconnect(relay: string): void {
    this.cutOff.delete(relay);
  }

  private reach(relay: string): void {
    if (this.cutOff.has(relay)) throw new Error(`database out of reach of ${relay}`);
  }
}

/** A leadership no other relay competes for: it always may publish. */
export function soleLeadership(): RelayLeadership {
  return new InMemoryLeaseTable(() => 0).leadershipFor('the only relay');
}
