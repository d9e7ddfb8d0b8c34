import type { OutboxEntry, PendingEvent, PendingEvents } from '../../src/application/index.js';

interface Row extends PendingEvent {
  publishedAt: Date | null;
  /** False while the row's transaction has its sequence but has not committed: no reader sees it yet. */
  committed: boolean;
}

/** An outbox in memory: rows get increasing sequences, and every read and mark is written in a journal. */
export class InMemoryPendingEvents implements PendingEvents {
  private readonly rows: Row[] = [];
  /** `next 3`, `next 3 after 3`, `mark 1,2,3`: in the order they happened. */
  readonly journal: string[] = [];
  private markFailure: Error | undefined;
  private heldMarks: Array<() => void> | undefined;
  /** Restores so far: events appended after one get positions handed out before, under new ids. */
  private restores = 0;

  /** Appends `count` events of one campaign and answers them. */
  append(count: number, aggregateId = '42'): PendingEvent[] {
    return Array.from({ length: count }, () => this.appendRow(aggregateId, true));
  }

  /**
   * Appends one event whose sequence is handed out now but which readers see only once `commit()` is called, as
   * PostgreSQL hands sequences out before commit: a row may appear below rows that were read already.
   */
  appendUncommitted(aggregateId: string): { event: PendingEvent; commit: () => void } {
    const row = this.appendRow(aggregateId, false);
    return {
      event: row,
      commit: () => {
        row.committed = true;
      },
    };
  }

  private appendRow(aggregateId: string, committed: boolean): Row {
    const sequence = BigInt(this.rows.length + 1);
    const row: Row = {
      sequence,
      eventId: this.restores === 0 ? `event-${sequence}` : `event-${sequence}.${this.restores}`,
      type: 'CampaignStarted',
      aggregateId,
      occurredAt: new Date('2030-01-01T12:00:00Z'),
      payloadJson: `{"campaignId":"${aggregateId}"}`,
      publishedAt: null,
      committed,
    };
    this.rows.push(row);
    return row;
  }

  /**
   * The outbox as a backup taken when it held `sequence` rows holds it: the rows past it are gone, as if a database
   * restored from it or a lagging replica took the primary's place, and their positions go to the next events.
   */
  restore(sequence: bigint): void {
    this.rows.splice(Number(sequence));
    this.restores++;
  }

  get length(): number {
    return this.rows.length;
  }

  get unpublished(): bigint[] {
    return this.rows.filter((row) => row.publishedAt === null).map((row) => row.sequence);
  }

  publishedAt(sequence: bigint): Date | null | undefined {
    return this.rows.find((row) => row.sequence === sequence)?.publishedAt;
  }

  async next(limit: number, after?: bigint): Promise<PendingEvent[]> {
    this.journal.push(`next ${limit}${after !== undefined ? ` after ${after}` : ''}`);
    return this.rows
      .filter((row) => row.committed && row.publishedAt === null && (after === undefined || row.sequence > after))
      .slice(0, limit)
      .map(({ publishedAt: _, committed: __, ...event }) => event);
  }

  /** Looks as a database where rows appear out of sequence order would: only committed rows count. */
  async leftBehind(batch: readonly PendingEvent[]): Promise<boolean> {
    const aggregates = new Set(batch.map((event) => event.aggregateId));
    const inBatch = new Set(batch.map((event) => event.eventId));
    const last = batch[batch.length - 1]!.sequence;
    return this.rows.some(
      (row) =>
        row.committed &&
        row.publishedAt === null &&
        aggregates.has(row.aggregateId) &&
        row.sequence <= last &&
        !inBatch.has(row.eventId),
    );
  }

  async stillWaiting(batch: readonly OutboxEntry[]): Promise<boolean> {
    this.journal.push(`check ${batch.map((event) => event.sequence).join(',')}`);
    const held = this.rows.filter((row) => batch.some((event) => holds(row, event)));
    return batch.length === 0 || (held.length > 0 && held.every((row) => row.publishedAt === null));
  }

  /** Marks these events published as another relay would, without this relay's knowing. */
  markedElsewhere(sequences: readonly bigint[]): void {
    for (const row of this.rows) if (sequences.includes(row.sequence)) row.publishedAt = new Date(0);
  }

  /** The next mark fails with this error and changes nothing. */
  refuseNextMark(error = new Error('database unavailable')): void {
    this.markFailure = error;
  }

  /** Marks wait until `releaseMarks()`, as a slow database would make them. */
  holdMarks(): void {
    this.heldMarks ??= [];
  }

  releaseMarks(): void {
    const held = this.heldMarks ?? [];
    this.heldMarks = undefined;
    for (const release of held) release();
  }

  async markPublished(events: readonly OutboxEntry[], at: Date): Promise<void> {
    if (this.heldMarks !== undefined) {
      const held = this.heldMarks;
      await new Promise<void>((resolve) => held.push(resolve));
    }
    const failure = this.markFailure;
    this.markFailure = undefined;
    if (failure !== undefined) throw failure;
    this.journal.push(`mark ${events.map((event) => event.sequence).join(',')}`);
    for (const row of this.rows) if (events.some((event) => holds(row, event))) row.publishedAt = at;
  }
}

function holds(row: OutboxEntry, event: OutboxEntry): boolean {
  return row.sequence === event.sequence && row.eventId === event.eventId;
}
