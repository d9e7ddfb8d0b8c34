import type { RelayLeadership } from '../application/index.js';

/**
 * Renews the relay's lease every renewal period while the relay runs (a renewal does nothing unless the lease is
 * held), apart from its rounds, so that a long batch or a backoff does not cost it the lease.
 */
export class LeaseRenewal {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly leadership: RelayLeadership) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.leadership.renew(), this.leadership.renewEveryMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
