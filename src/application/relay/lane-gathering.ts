import type { PendingEvent } from '../ports/pending-events.js';

/** A lane's next batch as read so far; `readPast`: some of it was read after a sequence (see publishAndMark). */
export interface GatheredBatch {
  events: PendingEvent[];
  readPast: boolean;
}

/**
 * Each lane's next batch, gathered from the reading: for a free lane the batch it starts once full or once the
 * reading reached the newest event, for a lane with a batch in flight its read-ahead (at most one batch), which
 * starts as soon as that batch is marked. Kept across pages and across the lane's batches, so that the reading
 * need not go back for events it read already.
 *
 * The reading may meet events a lane took already (going back for another lane, or from the oldest again while
 * batches are in flight): `took` tells them apart, so that none is taken twice.
 */
export class LaneGathering {
  private readonly gathered = new Map<string, GatheredBatch & { eventIds: Set<string> }>();
  /**
   * Per lane with a batch in flight, its events' ids: by id, not position, since a database restored under the
   * relay gives the positions of events in flight to new events, which the lane has not taken.
   */
  private readonly inFlight = new Map<string, ReadonlySet<string>>();

  constructor(private readonly batchSize: number) {}

  /** The lane took this event already: it is in flight, or gathered. */
  took(lane: string, event: PendingEvent): boolean {
    return this.inFlight.get(lane)?.has(event.eventId) || this.gathered.get(lane)?.eventIds.has(event.eventId) || false;
  }

  /** The lane gathered events after this one, which it did not take: a row committed late below them. */
  gatheredAfter(lane: string, event: PendingEvent): boolean {
    const events = this.gathered.get(lane)?.events;
    return events !== undefined && events[events.length - 1]!.sequence > event.sequence;
  }

  full(lane: string): boolean {
    return (this.gathered.get(lane)?.events.length ?? 0) >= this.batchSize;
  }

  add(lane: string, event: PendingEvent, readPast: boolean): void {
    const batch = this.gathered.get(lane) ?? { events: [], readPast, eventIds: new Set<string>() };
    batch.events.push(event);
    batch.eventIds.add(event.eventId);
    batch.readPast ||= readPast;
    this.gathered.set(lane, batch);
  }

  /** Takes the lane's gathered batch, to start it. */
  take(lane: string): GatheredBatch | undefined {
    const batch = this.gathered.get(lane);
    this.gathered.delete(lane);
    return batch;
  }

  /** The lanes with events gathered. */
  lanes(): string[] {
    return [...this.gathered.keys()];
  }

  /** A batch of the lane starts (a failed batch sent again, too). */
  started(lane: string, batch: readonly PendingEvent[]): void {
    this.inFlight.set(lane, new Set(batch.map((event) => event.eventId)));
  }

  /** The lane's batch settled: marked, failed, or not sent. */
  settled(lane: string): void {
    this.inFlight.delete(lane);
  }

  /** Forgets what the lane gathered: the reading reads it again (its failed batch goes first, or a late row). */
  drop(lane: string): void {
    this.gathered.delete(lane);
  }

  /** The reading starts from the oldest again: only the batches in flight count as taken. */
  restart(): void {
    this.gathered.clear();
  }
}
