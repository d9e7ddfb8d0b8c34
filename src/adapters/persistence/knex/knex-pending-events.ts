import type { Knex } from 'knex';
import type { OutboxEntry, PendingEvent, PendingEvents } from '../../../application/index.js';
import { markPublishedQuery } from '../postgres/outbox-statements.js';
import { writeOnPooledConnection } from '../postgres/pooled-connection.js';
import { toDate } from '../rows/database-values.js';
import { traceContextFromColumn } from '../rows/outbox-rows.js';
import { markPublishedWithoutSync } from '../sqlite/unsynced-mark.js';
import { compiledRead } from './compiled-read.js';
import {
  outboxRowsOf,
  SEQUENCE_AS_TEXT,
  unpublishedInSequenceOrder,
  waitingInSequenceOrder,
} from './unpublished-rows.js';

const PAGE_COLUMNS = `${SEQUENCE_AS_TEXT}, event_id, event_type,
  CAST(aggregate_id AS TEXT) AS aggregate_id_text, occurred_at, payload, trace_context`;

interface OutboxRow {
  sequence_text: string;
  event_id: string;
  event_type: string;
  aggregate_id_text: string;
  occurred_at: unknown;
  payload: string;
  trace_context: string | null;
}

export class KnexPendingEvents implements PendingEvents {
  /**
   * PostgreSQL, or else SQLite (better-sqlite3, the only other client). PostgreSQL hands sequences out before
   * commit, so its rows may appear out of sequence order; SQLite commits one writer at a time, in sequence order.
   */
  private readonly onPostgres: boolean;

  /**
   * The relay's page, compiled once (compiledRead): the relay reads it at every commit and every settled batch, and
   * Knex's building and running of it cost about as much as the read (docs/performance.md).
   */
  private readonly pageFromOldest: (values: { limit: unknown }) => Promise<OutboxRow[]>;
  private readonly pageAfter: (values: { limit: unknown; after: unknown }) => Promise<OutboxRow[]>;

  constructor(private readonly db: Knex) {
    this.onPostgres = db.client.config.client === 'pg';
    this.pageFromOldest = compiledRead(db, ['limit'], ({ limit }) => this.page(limit));
    this.pageAfter = compiledRead(db, ['limit', 'after'], ({ limit, after }) => this.page(limit, after));
  }

  /**
   * Up to `limit` unpublished events, lowest sequence first, after the sequence `after` when given. Sequences and ids
   * are read as text (the SQLite driver would round an INTEGER above 2^53), under other names than the columns: ORDER
   * BY and WHERE must see the numbers. PostgreSQL finds the sequences in `outbox_waiting` (migration 017).
   */
  private page(limit: number, after?: number): Knex.QueryBuilder {
    if (this.onPostgres) {
      const waiting = waitingInSequenceOrder(this.db).select('sequence').limit(limit);
      if (after !== undefined) waiting.where('sequence', '>', after);
      return outboxRowsOf(this.db, waiting, PAGE_COLUMNS).orderBy('waiting.sequence');
    }
    const page = unpublishedInSequenceOrder(this.db).select(this.db.raw(PAGE_COLUMNS)).limit(limit);
    return after === undefined ? page : page.where('sequence', '>', after);
  }

  async next(limit: number, after?: bigint): Promise<PendingEvent[]> {
    const rows =
      after === undefined
        ? await this.pageFromOldest({ limit })
        : await this.pageAfter({ limit, after: after.toString() });
    return rows.map(toPendingEvent);
  }

  async leftBehind(batch: readonly PendingEvent[]): Promise<boolean> {
    if (!this.onPostgres || batch.length === 0) return false;
    const aggregates = [...new Set(batch.map((event) => event.aggregateId))];
    const waiting = this.db('outbox_waiting')
      .select('sequence')
      // One array rather than a parameter per campaign: a statement of hundreds of parameters costs more to send and plan.
      .whereRaw('aggregate_id = ANY(?::bigint[])', [aggregates])
      .where('sequence', '<=', batch[batch.length - 1]!.sequence.toString());
    const [row] = await this.db
      .from(outboxRowsOf(this.db, waiting, 'event_id').as('behind'))
      // By event id, not by count: a position of the batch may hold another event since it was read (a database
      // restored under the relay hands positions out again), which belongs before the batch's later events.
      .whereNotIn(
        'event_id',
        batch.map((event) => event.eventId),
      )
      .count({ n: '*' });
    return Number(row?.n) > 0;
  }

  async stillWaiting(batch: readonly OutboxEntry[]): Promise<boolean> {
    if (batch.length === 0) return true;
    // By primary key: given `published_at IS NULL` as a condition, a planner may walk an index of it instead
    // (`outbox_unpublished`, which PostgreSQL had before migration 018), every published row of it when its
    // statistics say there are none.
    const [row] = await this.db('outbox')
      .select(this.db.raw('count(*) AS present, count(published_at) AS published'))
      .whereIn(
        'sequence',
        batch.map((event) => event.sequence.toString()),
      )
      .whereIn(
        'event_id',
        batch.map((event) => event.eventId),
      );
    return Number(row?.present) > 0 && Number(row?.published) === 0;
  }

  /**
   * One UPDATE for the whole batch; the exact sequences, never a range, so a row committed late is not skipped,
   * and their event ids, so a position handed to another event since is not marked for this one.
   */
  async markPublished(events: readonly OutboxEntry[], at: Date): Promise<void> {
    if (events.length === 0) return;
    if (!this.onPostgres) return markPublishedWithoutSync(this.db, events, at);
    await writeOnPooledConnection(this.db, (connection) => connection.query(markPublishedQuery(events, at)));
  }
}

function toPendingEvent(row: OutboxRow): PendingEvent {
  const traceContext = traceContextFromColumn(row.trace_context);
  return {
    sequence: BigInt(row.sequence_text),
    eventId: row.event_id,
    type: row.event_type,
    aggregateId: row.aggregate_id_text,
    occurredAt: toDate(row.occurred_at),
    payloadJson: row.payload,
    ...(traceContext !== undefined ? { traceContext } : {}),
  };
}
