/** What the outbox relay reports: an outage once when it begins and once when it ends, not once per attempt. */
export interface RelayLog {
  outageBegan(error: unknown): void;
  /** Every failed attempt of an outage, with the wait before the next one; detail for debugging. */
  retryScheduled(failedAttempts: number, delayMs: number, error: unknown): void;
  outageEnded(failedAttempts: number, downForMs: number): void;
  /** This relay took the lease: it is the one that publishes. Reported when that changes, not at each renewal. */
  leading(): void;
  /** Another relay holds the lease: this one publishes nothing and asks again at every poll interval. */
  standingBy(): void;
  /** This relay could not publish for `downForMs` while holding the lease, and gives the lease up for another. */
  handingOver(downForMs: number): void;
  /** No other relay took the lease this relay handed over: it took it back, and goes on trying to publish. */
  tookLeaseBack(): void;
}
