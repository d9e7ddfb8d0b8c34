import type { PendingEvent } from '../ports/pending-events.js';

/**
 * What each lane of the relay is doing: a batch in flight (maybe stalled), a failed batch waiting for its retry
 * to fall due, or that batch due and to be sent again as it was. A lane doing any of these takes no events from
 * the reading.
 */
export class RelayLanes {
  /** Lanes with a batch in flight: from its start until the policy took its outcome. */
  private readonly inFlight = new Set<string>();
  /** Lanes whose batch waits for its acknowledgement past the stall threshold. */
  private readonly stalled = new Set<string>();
  /** Lanes whose last batch failed, until their retry is due. */
  private readonly waiting = new Set<string>();
  /** Per lane, the events of its failed batch that are not marked published: its next batch, unchanged. */
  private readonly unsettled = new Map<string, readonly PendingEvent[]>();
  /** Lanes whose failed batch was kept while the relay stood by: another relay may have published it meanwhile. */
  private readonly keptWhileStandingBy = new Set<string>();
  /** Failed attempts in a row, per lane; the delay of its next retry grows with them. */
  private readonly failures = new Map<string, number>();

  get anyInFlight(): boolean {
    return this.inFlight.size > 0;
  }

  /** The lane takes no events from the reading: a batch of its own is in flight, waits to retry, or is due. */
  busy(lane: string): boolean {
    return this.inFlight.has(lane) || this.waiting.has(lane) || this.unsettled.has(lane);
  }

  /** A batch of the lane is in flight, and nothing of it failed yet. */
  onlyInFlight(lane: string): boolean {
    return this.inFlight.has(lane) && !this.waiting.has(lane) && !this.unsettled.has(lane);
  }

  started(lane: string): void {
    this.inFlight.add(lane);
  }

  settled(lane: string): void {
    this.inFlight.delete(lane);
  }

  stalls(lane: string): void {
    this.stalled.add(lane);
  }

  answered(lane: string): void {
    this.stalled.delete(lane);
  }

  acknowledged(lane: string): void {
    this.failures.delete(lane);
  }

  /** The lane waits to retry; answers how many of its attempts failed in a row. */
  failed(lane: string): number {
    const failures = (this.failures.get(lane) ?? 0) + 1;
    this.failures.set(lane, failures);
    this.waiting.add(lane);
    return failures;
  }

  /** The lane's next failure waits the first delay again; it still counts as failed until acknowledged. */
  restartBackoff(lane: string): void {
    if (this.failures.has(lane)) this.failures.set(lane, 0);
  }

  waits(lane: string): boolean {
    return this.waiting.has(lane);
  }

  retryDue(lane: string): void {
    this.waiting.delete(lane);
  }

  keepUnsettled(lane: string, events: readonly PendingEvent[], keptWhileStandingBy = false): void {
    if (events.length === 0) return;
    this.unsettled.set(lane, events);
    if (keptWhileStandingBy) this.keptWhileStandingBy.add(lane);
  }

  /** Takes the failed batches whose lanes may send them again now: none in flight, the retry due. */
  takeUnsettledDue(): UnsettledBatch[] {
    const due = [...this.unsettled]
      .filter(([lane]) => !this.inFlight.has(lane) && !this.waiting.has(lane))
      .map(([lane, batch]) => ({ lane, batch, keptWhileStandingBy: this.keptWhileStandingBy.has(lane) }));
    for (const { lane } of due) {
      this.unsettled.delete(lane);
      this.keptWhileStandingBy.delete(lane);
    }
    return due;
  }

  /** No lane is stuck past the stall threshold, and none failed since its last acknowledgement (retrying or not). */
  allWell(): boolean {
    return this.failures.size === 0 && this.stalled.size === 0;
  }

  /**
   * The relay no longer leads: it retries nothing, and its failures are the past. Each failed batch is kept, to be
   * sent again as it was should the lease come back (the same producer's copy of a batch the broker wrote is
   * recognised; a batch formed anew would overlap it), once the outbox shows no other relay published any of it.
   */
  standBy(): void {
    this.waiting.clear();
    this.failures.clear();
    for (const lane of this.unsettled.keys()) this.keptWhileStandingBy.add(lane);
  }

  /** The relay stops: nothing of the lanes is kept. */
  forget(): void {
    this.standBy();
    this.unsettled.clear();
    this.keptWhileStandingBy.clear();
  }
}

/** A lane's failed batch, due to be sent again exactly as it was. */
export interface UnsettledBatch {
  lane: string;
  batch: readonly PendingEvent[];
  /** The relay stood by since the batch failed: another relay may have published some of it meanwhile. */
  keptWhileStandingBy: boolean;
}
