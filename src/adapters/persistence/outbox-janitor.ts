import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';

export interface OutboxJanitorOptions {
  /** Rows one DELETE removes at most: each statement holds SQLite's single writer only briefly. */
  batchSize: number;
  /**
   * The least pause between two statements; the pause is also at least three times as long as the statement
   * before it took, so pruning holds the writer (and, with SQLite's synchronous driver, the event loop) for at
   * most a quarter of the time however slow the disk is.
   */
  pauseMs: number;
}

export interface OutboxPruneResult {
  deleted: number;
  statements: number;
  /**
   * The longest single DELETE from the moment it had the connection (not counting the wait for it): on SQLite,
   * the longest that the writes behind it waited because of pruning.
   */
  longestStatementMs: number;
  durationMs: number;
}

const DEFAULTS: OutboxJanitorOptions = { batchSize: 250, pauseMs: 10 };

/**
 * Deletes outbox rows that were published longer ago than the retention, a bounded batch per statement, so the
 * outbox holds the backlog and a recent history instead of every event ever. A row that is not published
 * (`published_at` null) is never deleted, however old it is: it is an event still owed to the broker.
 */
export class OutboxJanitor {
  private readonly options: OutboxJanitorOptions;

  constructor(
    private readonly db: Knex,
    private readonly retentionMs: number,
    options: Partial<OutboxJanitorOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** One pass: batch after batch until none is left older than `now` minus the retention, or `stopping()` says so. */
  async prune(now: Date, stopping: () => boolean = () => false): Promise<OutboxPruneResult> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    const began = performance.now();
    const result: OutboxPruneResult = { deleted: 0, statements: 0, longestStatementMs: 0, durationMs: 0 };
    for (;;) {
      const { deleted, ms } = await this.deleteBatch(cutoff);
      result.longestStatementMs = Math.max(result.longestStatementMs, ms);
      result.statements++;
      result.deleted += deleted;
      if (deleted < this.options.batchSize || stopping()) break;
      await sleep(Math.max(this.options.pauseMs, 3 * ms));
    }
    result.durationMs = performance.now() - began;
    return result;
  }

  /** The oldest published rows first, through the `outbox_unpublished (published_at, sequence)` index. */
  private async deleteBatch(cutoff: Date): Promise<{ deleted: number; ms: number }> {
    const expired = this.db('outbox')
      .select('sequence')
      .whereNotNull('published_at')
      .where('published_at', '<', cutoff)
      .orderBy('published_at')
      .limit(this.options.batchSize);
    let sentAt = performance.now();
    // Knex emits 'query' once it holds a connection and hands the statement to the driver.
    const deleted = await this.db('outbox')
      .whereIn('sequence', expired)
      .delete()
      .on('query', () => {
        sentAt = performance.now();
      });
    return { deleted: Number(deleted), ms: performance.now() - sentAt };
  }
}
