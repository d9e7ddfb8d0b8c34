import type { Knex } from 'knex';
import type { OutboxBacklog, OutboxBacklogSource } from '../../observability/relay-status.js';
import { toDateOrNull } from '../rows/database-values.js';
import { answerWithin, DATABASE_ANSWER_TIMEOUT_MS } from './answer-within.js';
import { sequenceAsText, waitingInSequenceOrder } from './unpublished-rows.js';

/** Up to this many waiting events the backlog is counted one by one. */
export const EXACT_BACKLOG_UP_TO = 10_000;

/**
 * The unpublished outbox rows, at a cost that does not grow with them: every scrape and readiness probe asks, and
 * the backlog is largest exactly when the broker is down (on SQLite a count of a million rows held the event loop
 * for about 120 ms; on PostgreSQL it cost about 130 ms of the database). Each query walks the waiting rows' sequences
 * from one end (waitingInSequenceOrder). Up to `exactUpTo` waiting events the count is exact; beyond, it is
 * the span of sequence numbers from the oldest waiting event to the newest, which counts the events published in
 * between (none while the broker is down) and sequence numbers never used, so it never falls below the true count.
 * The oldest is the waiting event with the lowest sequence. A database that does not answer within `timeoutMs`
 * fails the read, as it fails the readiness probe: a scrape then shows NaN instead of waiting for it.
 */
export class KnexOutboxBacklog implements OutboxBacklogSource {
  constructor(
    private readonly db: Knex,
    private readonly exactUpTo = EXACT_BACKLOG_UP_TO,
    private readonly timeoutMs = DATABASE_ANSWER_TIMEOUT_MS,
  ) {}

  backlog(): Promise<OutboxBacklog> {
    return answerWithin(this.read(), this.timeoutMs);
  }

  private async read(): Promise<OutboxBacklog> {
    const oldest = await this.db('outbox')
      .where('sequence', '=', waitingInSequenceOrder(this.db).select('sequence').limit(1))
      .first(sequenceAsText(this.db), 'created_at');
    if (oldest === undefined) return { count: 0, oldestCreatedAt: null };
    const oldestCreatedAt = toDateOrNull(oldest.created_at);
    const counted = await this.db
      .from(
        waitingInSequenceOrder(this.db)
          .select('sequence')
          .limit(this.exactUpTo + 1)
          .as('waiting'),
      )
      .first(this.db.raw('count(*) AS count'));
    const count = Number(counted?.count ?? 0);
    if (count <= this.exactUpTo) return { count, oldestCreatedAt };
    const newest = await waitingInSequenceOrder(this.db, 'desc').first(sequenceAsText(this.db));
    // Published meanwhile: what was counted is all that can be said.
    if (newest === undefined) return { count, oldestCreatedAt };
    return { count: Number(BigInt(newest.sequence_text) - BigInt(oldest.sequence_text)) + 1, oldestCreatedAt };
  }
}
