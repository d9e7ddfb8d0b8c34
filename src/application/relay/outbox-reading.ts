/**
 * Where the relay reads the outbox, page after page in sequence order, and which lanes take no more events for
 * now. A lane that meets an event it cannot take (its next batch is read already, or it waits to retry) is held
 * from that event on: it takes none of the later ones either, so each lane publishes in outbox order.
 *
 * The reading never waits on a held lane: it goes on past its events to the newest, so one lane's backlog,
 * however long, cannot keep the other lanes from theirs. Lanes released go back to the first event they left:
 * the reading returns to the earliest, until each lane released since it went back takes no more (or is held
 * again), then goes on from the furthest event read. The relay releases every lane with room at once, so that one
 * reading back serves them all.
 */
export class OutboxReading {
  /** The last sequence read; undefined: the next page starts with the oldest unpublished event. */
  private after: bigint | undefined;
  /** The furthest sequence read since the reading started. */
  private furthest: bigint | undefined;
  /** Each held lane with the first sequence it left behind. */
  private readonly held = new Map<string, bigint>();
  /** Released lanes owed events the reading had passed: it jumps forward again only once each takes no more. */
  private readonly goneBackFor = new Set<string>();

  get position(): bigint | undefined {
    return this.after;
  }

  /** Starts again from the oldest unpublished event, every lane free to take its oldest. */
  restart(): void {
    this.after = undefined;
    this.furthest = undefined;
    this.held.clear();
    this.goneBackFor.clear();
  }

  heldLanes(): string[] {
    return [...this.held.keys()];
  }

  holds(lane: string): boolean {
    return this.held.has(lane);
  }

  /** Holds the lane from `leftAt`, or from where it was held already if that is earlier. */
  hold(lane: string, leftAt: bigint): void {
    const held = this.held.get(lane);
    if (held === undefined || leftAt < held) this.held.set(lane, leftAt);
  }

  /**
   * The lane may take events again. When the reading went past the first one it left, it owes the lane every
   * event from there: it goes back to it if that is earlier than where it is, and jumps forward again only once the
   * lane takes no more (see readTo). A lane that left an event the reading has not reached yet needs nothing.
   */
  release(lane: string): void {
    const leftAt = this.held.get(lane);
    if (leftAt === undefined) return;
    this.held.delete(lane);
    if (this.after === undefined || this.furthest === undefined || leftAt > this.furthest) return;
    this.goneBackFor.add(lane);
    if (leftAt <= this.after) this.after = leftAt - 1n;
  }

  /**
   * A page up to `sequence` was read and its batches started. Once every lane the reading went back for takes no
   * more (`busy`), those lanes are held after this page and the reading jumps forward.
   */
  readTo(sequence: bigint, busy: (lane: string) => boolean): void {
    this.after = sequence;
    if (this.furthest === undefined || sequence > this.furthest) this.furthest = sequence;
    if (this.after === this.furthest) this.goneBackFor.clear();
    if ([...this.goneBackFor].some((lane) => !busy(lane) && !this.held.has(lane))) return;
    for (const lane of this.goneBackFor) this.hold(lane, sequence + 1n);
    this.goneBackFor.clear();
    this.after = this.furthest;
  }
}
