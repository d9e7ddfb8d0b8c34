import type { Knex } from 'knex';
import {
  type BatchedPruningOptions,
  PRUNING_DEFAULTS,
  type PruneResult,
  pruneInBatches,
  timedDelete,
} from './batched-pruning.js';

/**
 * Forgets idempotency keys once they are older than the retention (at least 24 hours by default), a bounded
 * batch per statement like the outbox janitor, so a large backlog of keys never holds the writer for long.
 */
export class KnexIdempotencyJanitor {
  private readonly options: BatchedPruningOptions;

  constructor(
    private readonly db: Knex,
    private readonly retentionMs: number,
    options: Partial<BatchedPruningOptions> = {},
  ) {
    this.options = { ...PRUNING_DEFAULTS, ...options };
  }

  async prune(now: Date, stopping: () => boolean = () => false): Promise<PruneResult> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    return pruneInBatches(() => this.deleteBatch(cutoff), this.options, stopping);
  }

  /** The oldest keys first, through the `idempotency_keys_created_at` index. */
  private deleteBatch(cutoff: Date): Promise<{ deleted: number; ms: number }> {
    const expired = this.db('idempotency_keys')
      .select('owner', 'key')
      .where('created_at', '<', cutoff)
      .orderBy('created_at')
      .limit(this.options.batchSize);
    return timedDelete(this.db('idempotency_keys').whereIn(['owner', 'key'], expired).delete());
  }
}
