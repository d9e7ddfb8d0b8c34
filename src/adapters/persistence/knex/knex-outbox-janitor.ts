import type { Knex } from 'knex';
import { type BatchedPruningOptions, RetentionJanitor, timedDelete } from './batched-pruning.js';
import { whileWriting } from './write-share.js';

/**
 * Deletes outbox rows that were published longer ago than the retention, a bounded batch per statement, so the
 * outbox holds the backlog and a recent history instead of every event ever. A row that is not published
 * (`published_at` null) is never deleted, however old it is: it is an event still owed to the broker. The oldest
 * published rows go first, through the `outbox_unpublished (published_at, sequence)` index.
 */
export class KnexOutboxJanitor extends RetentionJanitor {
  constructor(db: Knex, retentionMs: number, options: Partial<BatchedPruningOptions> = {}) {
    super(retentionMs, options, (cutoff, limit) => {
      const expired = db('outbox')
        .select('sequence')
        .whereNotNull('published_at')
        .where('published_at', '<', cutoff)
        .orderBy('published_at')
        .limit(limit);
      return whileWriting(db, () => timedDelete(db('outbox').whereIn('sequence', expired).delete()));
    });
  }
}
