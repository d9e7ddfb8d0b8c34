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
 * The reading may go back past events a lane took (for another lane): `taken` tells them apart, so that none is
 * taken twice.
 */
export class LaneGathering {
  private readonly gathered = new Map<string, GatheredBatch>();
  /** Per lane, the last sequence it took: into its batch in flight or its next one. */
  private readonly takenUpTo = new Map<string, bigint>();

  constructor(private readonly batchSize: number) {}

  /** The lane took this event already (it is in flight, or gathered). */
  took(lane: string, event: PendingEvent): boolean {
    const upTo = this.takenUpTo.get(lane);
    return upTo !== undefined && event.sequence <= upTo;
  }

  has(lane: string): boolean {
    return (this.gathered.get(lane)?.events.length ?? 0) > 0;
  }

  full(lane: string): boolean {
    return (this.gathered.get(lane)?.events.length ?? 0) >= this.batchSize;
  }

  add(lane: string, event: PendingEvent, readPast: boolean): void {
    const batch = this.gathered.get(lane) ?? { events: [], readPast };
    batch.events.push(event);
    batch.readPast ||= readPast;
    this.gathered.set(lane, batch);
    this.takenUpTo.set(lane, event.sequence);
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

  /** A batch of the lane starts: its events count as taken (a failed batch sent again, too). */
  started(lane: string, batch: readonly PendingEvent[]): void {
    const last = batch[batch.length - 1]!.sequence;
    const upTo = this.takenUpTo.get(lane);
    if (upTo === undefined || last > upTo) this.takenUpTo.set(lane, last);
  }

  /** The lane's batch failed: what it gathered is read again once its failed batch went (the reading holds it). */
  drop(lane: string): void {
    this.gathered.delete(lane);
    this.takenUpTo.delete(lane);
  }

  /** The reading starts from the oldest again: only the batches in flight (`inFlight`, up to) count as taken. */
  restart(inFlight: ReadonlyMap<string, bigint>): void {
    this.gathered.clear();
    this.takenUpTo.clear();
    for (const [lane, upTo] of inFlight) this.takenUpTo.set(lane, upTo);
  }
}
