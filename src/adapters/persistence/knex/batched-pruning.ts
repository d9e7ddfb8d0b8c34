import { setTimeout as sleep } from 'node:timers/promises';

export interface PruneResult {
  deleted: number;
  statements: number;
  /**
   * The longest single DELETE from the moment it had the connection (not counting the wait for it): on SQLite,
   * the longest that the writes behind it waited because of pruning.
   */
  longestStatementMs: number;
  durationMs: number;
}

export interface BatchedPruningOptions {
  /** Rows one DELETE removes at most: each statement holds SQLite's single writer only briefly. */
  batchSize: number;
  /**
   * The least pause between two statements; the pause is also at least three times as long as the statement
   * before it took, so pruning holds the writer (and, with SQLite's synchronous driver, the event loop) for at
   * most a quarter of the time however slow the disk is.
   */
  pauseMs: number;
}

export const PRUNING_DEFAULTS: BatchedPruningOptions = { batchSize: 250, pauseMs: 10 };

/** Runs `deleteBatch` until it deletes less than a whole batch or `stopping()` says so, pausing between batches. */
export async function pruneInBatches(
  deleteBatch: () => Promise<{ deleted: number; ms: number }>,
  options: BatchedPruningOptions,
  stopping: () => boolean,
): Promise<PruneResult> {
  const began = performance.now();
  const result: PruneResult = { deleted: 0, statements: 0, longestStatementMs: 0, durationMs: 0 };
  for (;;) {
    const { deleted, ms } = await deleteBatch();
    result.longestStatementMs = Math.max(result.longestStatementMs, ms);
    result.statements++;
    result.deleted += deleted;
    if (deleted < options.batchSize || stopping()) break;
    await sleep(Math.max(options.pauseMs, 3 * ms));
  }
  result.durationMs = performance.now() - began;
  return result;
}

/** Runs a DELETE and times it from when Knex hands it to the driver, i.e. once it holds a connection. */
export async function timedDelete(query: { on(event: 'query', listener: () => void): PromiseLike<unknown> }) {
  let sentAt = performance.now();
  const deleted = await query.on('query', () => {
    sentAt = performance.now();
  });
  return { deleted: Number(deleted), ms: performance.now() - sentAt };
}

/**
 * Deletes the rows of one kind older than the retention, a bounded batch per statement: `deleteBatch` deletes at
 * most `limit` of the oldest rows from before `cutoff` and answers how many.
 */
export class RetentionJanitor {
  private readonly options: BatchedPruningOptions;

  constructor(
    private readonly retentionMs: number,
    options: Partial<BatchedPruningOptions>,
    private readonly deleteBatch: (cutoff: Date, limit: number) => Promise<{ deleted: number; ms: number }>,
  ) {
    this.options = { ...PRUNING_DEFAULTS, ...options };
  }

  /** One pass: batch after batch until none is left older than `now` minus the retention, or `stopping()` says so. */
  async prune(now: Date, stopping: () => boolean = () => false): Promise<PruneResult> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    return pruneInBatches(() => this.deleteBatch(cutoff, this.options.batchSize), this.options, stopping);
  }
}
