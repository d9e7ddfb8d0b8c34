import type { Logger } from 'pino';
import type { RunSchedule } from '../application/index.js';

/** How many campaigns of each kind a log line names; it counts them all. */
const LOGGED_CAMPAIGNS = 100;

/**
 * `{started: 3, startedCampaigns: ['1', '2', '3']}`: how many, and the first 100 of them, so a catch-up of a large
 * backlog, or many corrupt campaigns left alone at every run, write lines of a bounded size.
 */
function named(kind: string, ids: readonly string[]): Record<string, number | string[]> {
  return { [kind]: ids.length, [`${kind}Campaigns`]: ids.slice(0, LOGGED_CAMPAIGNS) };
}

/**
 * Runs the schedule at startup (catching up on what came due while the service was down) and then every interval.
 * A problem that lasts is logged when it begins, and at `debug` while it lasts: a run that fails (the database
 * down) at `warn`, then `info` once a run works again; the campaigns a run leaves alone at `error` whenever they are
 * others than the run before left.
 */
export class ScheduleLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Runs that failed since the last that worked. */
  private failedRuns = 0;
  /** The campaigns the last run left alone or behind, as one key. */
  private leftAlone = '';

  constructor(
    private readonly schedule: RunSchedule,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.runOnce();
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => this.arm());
    }, this.intervalMs);
  }

  private async runOnce(): Promise<void> {
    try {
      const run = await this.schedule.execute({ stopped: () => this.stopped });
      if (this.failedRuns > 0) this.logger.info({ failedRuns: this.failedRuns }, 'schedule runs again');
      this.failedRuns = 0;
      if (run.started.length + run.completed.length > 0) {
        this.logger.info(
          {
            ...named('started', run.started),
            ...named('completed', run.completed),
            skipped: run.skipped.length,
          },
          'schedule ran',
        );
      }
      const leftAlone = `${run.failed.map((failure) => failure.id).join(',')}|${run.impossible.join(',')}`;
      const level = leftAlone === this.leftAlone ? 'debug' : 'error';
      this.leftAlone = leftAlone;
      if (run.failed.length > 0) {
        this.logger[level](
          {
            ...named(
              'failed',
              run.failed.map((failure) => failure.id),
            ),
            err: run.failed[0]!.error,
          },
          'due campaigns whose change failed were left behind for the next run',
        );
      }
      if (run.impossible.length > 0) {
        this.logger[level](
          named('impossible', run.impossible),
          'due campaigns in an impossible state (corrupt data) were left alone',
        );
      }
    } catch (err) {
      this.failedRuns++;
      this.logger[this.failedRuns === 1 ? 'warn' : 'debug'](
        { err, failedRuns: this.failedRuns },
        'schedule run failed; retrying at every interval',
      );
    }
  }
}
