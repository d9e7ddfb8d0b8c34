/**
 * What the relay's policy asks of the loop that runs it: to wake when something happened, and to keep time for
 * it (the policy decides how long to wait; the driver does the waiting and calls the policy back).
 */
export interface RelayDriver {
  /** A batch settled, or a lane's retry fell due: the policy has news to take in at the next turn. */
  wake(): void;
  /**
   * Calls the policy's `retryDue(lane, false)` after `delayMs`, or `retryDue(lane, true)` sooner, once the broker
   * shows it takes writes again.
   */
  retryAfter(lane: string, delayMs: number): void;
  /** Calls back no lane's retry any more: the lanes waiting to retry are forgotten. */
  cancelRetries(): void;
  /**
   * Watches a publish of the lane: calls the policy's `publishStalled(lane, waitedMs)` if it is still not
   * acknowledged past the stall threshold. Answers the function that ends the watch.
   */
  watchPublish(lane: string): () => void;
  /**
   * Watches the connection to the broker a round begins with: calls the policy's `connectStalled(waitedMs)` if it is
   * still not made past the stall threshold (a broker that takes the connection and never answers). Answers the
   * function that ends the watch.
   */
  watchConnect(): () => void;
}
