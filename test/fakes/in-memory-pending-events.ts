import type { PendingEvent, PendingEvents, SequenceRange } from '../../src/application/index.js';

interface Row extends PendingEvent {
  publishedAt: Date | null;
}

/** An outbox in memory: rows get increasing sequences, and reads and marks are recorded for the tests. */
export class InMemoryPendingEvents implements PendingEvents {
  private readonly rows: Row[] = [];
  readonly reads: Array<{ limit: number; skipping: SequenceRange | undefined }> = [];
  readonly marks: bigint[][] = [];

  /** Appends `count` events of one campaign and answers them. */
  append(count: number, aggregateId = '42'): PendingEvent[] {
    return Array.from({ length: count }, () => {
      const sequence = BigInt(this.rows.length + 1);
      const row: Row = {
        sequence,
        eventId: `event-${sequence}`,
        type: 'CampaignStarted',
        aggregateId,
        occurredAt: new Date('2030-01-01T12:00:00Z'),
        payloadJson: `{"campaignId":"${aggregateId}"}`,
        publishedAt: null,
      };
      this.rows.push(row);
      return row;
    });
  }

  get unpublished(): bigint[] {
    return this.rows.filter((row) => row.publishedAt === null).map((row) => row.sequence);
  }

  publishedAt(sequence: bigint): Date | null | undefined {
    return this.rows.find((row) => row.sequence === sequence)?.publishedAt;
  }

  async next(limit: number, skipping?: SequenceRange): Promise<PendingEvent[]> {
    this.reads.push({ limit, skipping });
    const inSkippedRange = (s: bigint) => skipping !== undefined && s >= skipping.first && s <= skipping.last;
    return this.rows
      .filter((row) => row.publishedAt === null && !inSkippedRange(row.sequence))
      .slice(0, limit)
      .map(({ publishedAt: _, ...event }) => event);
  }

  async markPublished(sequences: readonly bigint[], at: Date): Promise<void> {
    this.marks.push([...sequences]);
    for (const row of this.rows) if (sequences.includes(row.sequence)) row.publishedAt = at;
  }
}
