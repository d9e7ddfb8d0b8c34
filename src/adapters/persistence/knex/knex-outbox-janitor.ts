import type { Knex } from 'knex';
import { type BatchedPruningOptions, RetentionJanitor, timedDelete } from './batched-pruning.js';
import { whileWriting } from './write-share.js';

/**
 * Deletes outbox rows that were published longer ago than the retention, a bounded batch per statement, so the
 * outbox holds the backlog and a recent history instead of every event ever. A row that is not published
 * (`published_at` null) is never deleted, however old it is: it is an event still owed to the broker.
 */
export class KnexOutboxJanitor extends RetentionJanitor {
  constructor(db: Knex, retentionMs: number, options: Partial<BatchedPruningOptions> = {}) {
    const oldestPublished = db.client.config.client === 'pg' ? writtenFirst : publishedFirst;
    super(retentionMs, options, (cutoff, limit) => {
      const expired = oldestPublished(db, cutoff).select('sequence').limit(limit);
      return whileWriting(db, () => timedDelete(db('outbox').whereIn('sequence', expired).delete()));
    });
  }
}

function publishedBefore(db: Knex, cutoff: Date): Knex.QueryBuilder {
  return db('outbox').whereNotNull('published_at').where('published_at', '<', cutoff);
}

/** Along `outbox_unpublished (published_at, sequence)`: SQLite. */
function publishedFirst(db: Knex, cutoff: Date): Knex.QueryBuilder {
  return publishedBefore(db, cutoff).orderBy('published_at');
}

/**
 * Along `outbox_created (created_at, sequence)`: PostgreSQL, whose outbox indexes no `published_at` (migration 018).
 * A row is published after it is written, so a row published before the cutoff was written before it; a relay whose
 * clock runs behind the writer's leaves a row until it is older than the retention by both clocks.
 */
function writtenFirst(db: Knex, cutoff: Date): Knex.QueryBuilder {
  return publishedBefore(db, cutoff)
    .where('created_at', '<', cutoff)
    .orderBy([{ column: 'created_at' }, { column: 'sequence' }]);
}
