import type { Knex } from 'knex';
import {
  type BatchedPruningOptions,
  PRUNING_DEFAULTS,
  type PruneResult,
  pruneInBatches,
  timedDelete,
} from './batched-pruning.js';

/**
 * Deletes outbox rows that were published longer ago than the retention, a bounded batch per statement, so the
 * outbox holds the backlog and a recent history instead of every event ever. A row that is not published
 * (`published_at` null) is never deleted, however old it is: it is an event still owed to the broker.
 */
export class KnexOutboxJanitor {
  private readonly options: BatchedPruningOptions;

  constructor(
    private readonly db: Knex,
    private readonly retentionMs: number,
    options: Partial<BatchedPruningOptions> = {},
  ) {
    this.options = { ...PRUNING_DEFAULTS, ...options };
  }

  /** One pass: batch after batch until none is left older than `now` minus the retention, or `stopping()` says so. */
  async prune(now: Date, stopping: () => boolean = () => false): Promise<PruneResult> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    return pruneInBatches(() => this.deleteBatch(cutoff), this.options, stopping);
  }

  /** The oldest published rows first, through the `outbox_unpublished (published_at, sequence)` index. */
  private deleteBatch(cutoff: Date): Promise<{ deleted: number; ms: number }> {
    const expired = this.db('outbox')
      .select('sequence')
      .whereNotNull('published_at')
      .where('published_at', '<', cutoff)
      .orderBy('published_at')
      .limit(this.options.batchSize);
    return timedDelete(this.db('outbox').whereIn('sequence', expired).delete());
  }
}
