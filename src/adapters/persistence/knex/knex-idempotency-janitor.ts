import type { Knex } from 'knex';
import { type BatchedPruningOptions, RetentionJanitor, timedDelete } from './batched-pruning.js';
import { whileWriting } from './write-share.js';

/**
 * Forgets idempotency keys once they are older than the retention (at least 24 hours by default), a bounded
 * batch per statement like the outbox janitor, so a large backlog of keys never holds the writer for long.
 * The oldest keys go first, through the `idempotency_keys_created_at` index.
 */
export class KnexIdempotencyJanitor extends RetentionJanitor {
  constructor(db: Knex, retentionMs: number, options: Partial<BatchedPruningOptions> = {}) {
    super(retentionMs, options, (cutoff, limit) => {
      const expired = db('idempotency_keys')
        .select('owner', 'key')
        .where('created_at', '<', cutoff)
        .orderBy('created_at')
        .limit(limit);
      return whileWriting(db, () => timedDelete(db('idempotency_keys').whereIn(['owner', 'key'], expired).delete()));
    });
  }
}
