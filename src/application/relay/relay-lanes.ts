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
  /** Failed attempts in a row, per lane; the delay of its next retry grows with them. */
  private readonly failures = new Map<string, number>();

  get anyInFlight(): boolean {
    return this.inFlight.size > 0;
  }

  /** The lane takes no events from the reading: a batch of its own is in flight, waits to retry, or is due. */
  busy(lane: string): boolean {
    return this.inFlight.has(lane) || this.waiting.has(lane) || this.unsettled.has(lane);
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

  keepUnsettled(lane: string, events: readonly PendingEvent[]): void {
    if (events.length > 0) this.unsettled.set(lane, events);
  }

  /** Takes the failed batches whose lanes may send them again now: none in flight, the retry due. */
  takeUnsettledDue(): Array<[lane: string, batch: readonly PendingEvent[]]> {
    const due = [...this.unsettled].filter(([lane]) => !this.inFlight.has(lane) && !this.waiting.has(lane));
    for (const [lane] of due) this.unsettled.delete(lane);
    return due;
  }

  /** No lane is stuck past the stall threshold, and none failed since its last acknowledgement (retrying or not). */
  allWell(): boolean {
    return this.failures.size === 0 && this.stalled.size === 0;
  }

  /** A relay that no longer leads retries nothing: the lanes are the new holder's. */
  forgetFailures(): void {
    this.waiting.clear();
    this.unsettled.clear();
    this.failures.clear();
  }
}
