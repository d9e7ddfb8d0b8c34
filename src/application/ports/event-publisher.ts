import type { PendingEvent } from './pending-events.js';

/** Where events go once committed: the message broker. */
export interface EventPublisher {
  /** Connects and makes sure the destination exists; cheap when already connected. */
  connect(): Promise<void>;
  /**
   * Resolves only after the broker acknowledged every event of the batch; keeps their order per aggregate.
   * Throws `PartlyPublished` when the broker acknowledged some of them (the first ones of each lane) but not all.
   */
  publish(events: readonly PendingEvent[]): Promise<void>;
  /**
   * The lane the event goes through (for a broker: the partition its aggregate's key maps to), known once
   * connected. Events of one lane are delivered in the order they are published; events of different lanes are
   * independent, so a lane that cannot be written holds only its own. Every event of an aggregate has the same lane.
   */
  laneOf(event: PendingEvent): string;
  /**
   * How many lanes there are (for a broker: the topic's partitions), known once connected; undefined when the
   * publisher cannot tell. Once every lane takes no more events, the relay stops reading until one does.
   */
  laneCount(): number | undefined;
  /**
   * Answers true as soon as the broker shows it can take writes again after a failure, false once `withinMs`
   * passed or `abandon` fired first; lets a retry start as soon as the cluster recovers instead of at the end of
   * its backoff. Never rejects.
   */
  whenWritable(withinMs: number, abandon: AbortSignal): Promise<boolean>;
}

/**
 * Some events of a batch were acknowledged and the others not: the acknowledged ones must be marked published
 * (sending them again would repeat them), the others are sent again. Of each lane, the acknowledged events are
 * the first of its events in the batch, so their order holds: the others go again before any later event.
 */
export class PartlyPublished extends Error {
  override readonly name = 'PartlyPublished';
  constructor(
    readonly acknowledged: readonly PendingEvent[],
    override readonly cause: unknown,
  ) {
    super(
      `${acknowledged.length} events of the batch acknowledged, the rest not: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
