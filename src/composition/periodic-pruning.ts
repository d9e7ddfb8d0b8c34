import type { Logger } from 'pino';
import type { PruneResult } from '../adapters/persistence/knex/batched-pruning.js';

export interface Pruner {
  prune(now: Date, stopping: () => boolean): Promise<PruneResult>;
}

/**
 * Prunes a table (the published outbox history, old idempotency keys) at startup and then every interval, in the
 * background: a first pass over a large table must not hold up listening. Stopping ends a pass between two
 * batches and waits for it.
 */
export class PeriodicPruning {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    /** What is pruned, as the log lines name it: `outbox`, `idempotency keys`. */
    private readonly what: string,
    private readonly janitor: Pruner,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.pass();
    this.timer = setInterval(() => this.pass(), this.intervalMs).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private pass(): void {
    if (this.stopped || this.running !== undefined) return;
    this.running = this.janitor
      .prune(this.now(), () => this.stopped)
      .then(
        (result) => {
          if (result.deleted === 0) return;
          this.logger.info(
            {
              deleted: result.deleted,
              statements: result.statements,
              longestStatementMs: Math.round(result.longestStatementMs),
              durationMs: Math.round(result.durationMs),
            },
            `${this.what} pruned`,
          );
        },
        (err) => this.logger.warn({ err }, `${this.what} pruning failed; retrying at the next interval`),
      )
      .finally(() => {
        this.running = undefined;
      });
  }
}
