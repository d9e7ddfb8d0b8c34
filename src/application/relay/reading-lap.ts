/**
 * One pass of the reading from the oldest unpublished event to the newest: how many pages it took and how long,
 * which decides when the reading starts over from the oldest.
 *
 * Starting over takes a row committed below the reading after it went past (PostgreSQL hands sequences out before
 * commit). It is due at every wake while the unpublished rows fit in one page; with more (a held lane's backlog),
 * once per poll interval, and no oftener than its cost allows (a tenth of the time).
 */
export class ReadingLap {
  private startedAt = 0;
  private pages = 0;
  private toNewest: { pages: number; ms: number } | undefined;

  constructor(
    private readonly pollIntervalMs: number,
    /** Milliseconds on a clock that never goes back. */
    private readonly now: () => number,
  ) {}

  started(): void {
    this.startedAt = this.now();
    this.pages = 0;
    this.toNewest = undefined;
  }

  /** A page was read; one not full reached the newest event. */
  pageRead(full: boolean): void {
    this.pages++;
    if (!full && this.toNewest === undefined) this.toNewest = { pages: this.pages, ms: this.now() - this.startedAt };
  }

  restartDue(): boolean {
    if (this.toNewest === undefined) return false;
    if (this.toNewest.pages <= 1) return true;
    const interval = Math.max(this.pollIntervalMs, 10 * this.toNewest.ms);
    return this.now() - this.startedAt >= interval;
  }
}
