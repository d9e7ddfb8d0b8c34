import type { PendingEvent } from './pending-events.js';

/** Where events go once committed: the message broker. */
export interface EventPublisher {
  /** Connects and makes sure the destination exists; cheap when already connected. */
  connect(): Promise<void>;
  /** Resolves only after the broker acknowledged every event of the batch; keeps their order per aggregate. */
  publish(events: readonly PendingEvent[]): Promise<void>;
  /**
   * Resolves when the broker shows it can take writes again after a failure, or after `withinMs` at the latest,
   * or when `abandon` fires; lets a retry start as soon as the cluster recovers instead of at the end of its
   * backoff. Never rejects.
   */
  whenWritable(withinMs: number, abandon: AbortSignal): Promise<void>;
}
