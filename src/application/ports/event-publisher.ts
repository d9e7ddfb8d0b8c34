import type { PendingEvent } from './pending-events.js';

/** Where events go once committed: the message broker. */
export interface EventPublisher {
  /** Connects and makes sure the destination exists; cheap when already connected. */
  connect(): Promise<void>;
  /** Resolves only after the broker acknowledged every event of the batch; keeps their order per aggregate. */
  publish(events: readonly PendingEvent[]): Promise<void>;
}
