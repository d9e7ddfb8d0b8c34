/**
 * The W3C Trace Context (the `traceparent` and `tracestate` header values) of the work that produced an event.
 * Plain data here: the adapters take it from the request, keep it with the outbox row and put it on the message.
 */
export interface TraceContext {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** An outbox row waiting to be published, as the relay hands it to the publisher. */
export interface PendingEvent {
  /** Position in the outbox: events are published in this order and marked published by it. */
  readonly sequence: bigint;
  readonly eventId: string;
  readonly type: string;
  /** The campaign id as decimal text. */
  readonly aggregateId: string;
  readonly occurredAt: Date;
  /** The payload exactly as the outbox stored it (JSON text), published byte for byte. */
  readonly payloadJson: string;
  /** The trace of the request (or scheduled change) that produced the event, when it ran in one. */
  readonly traceContext?: TraceContext;
}

/**
 * One event of the outbox: its position and its id. The id alone is never given to another event; a position may
 * be, by a database restored from a backup or replaced under a running relay.
 */
export type OutboxEntry = Pick<PendingEvent, 'sequence' | 'eventId'>;

/** The committed outbox rows that no relay has published yet. */
export interface PendingEvents {
  /** Up to `limit` unpublished events, lowest sequence first; only those after the sequence `after` when given. */
  next(limit: number, after?: bigint): Promise<PendingEvent[]>;
  /** Marks each of the events published where the outbox still holds it at its position. */
  markPublished(events: readonly OutboxEntry[], at: Date): Promise<void>;
  /**
   * Whether an unpublished event of the batch's aggregates with a lower sequence than the batch's last is not in
   * the batch, by event id: one committed after a read that went past its sequence (a database that hands sequences
   * out before commit lets a row appear below rows read already), or one given a position of the batch since it was
   * read (a database restored under the relay). Always false where rows appear in sequence order.
   */
  leftBehind(batch: readonly PendingEvent[]): Promise<boolean>;
  /**
   * Whether the batch still waits: none of its events marked published since it was read, by this relay or another,
   * and the outbox still holding some of them at their positions, unpublished. An event no longer there (a database
   * restored under the relay lost it, or gave its position to another event) holds nothing back: sent again with its
   * batch, as it was, it is one the broker may hold already.
   */
  stillWaiting(batch: readonly OutboxEntry[]): Promise<boolean>;
}
