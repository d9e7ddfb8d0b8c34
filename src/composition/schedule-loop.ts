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

/** Runs the schedule at startup (catching up on what came due while the service was down) and then every interval. */
export class ScheduleLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

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
      if (run.failed.length > 0) {
        this.logger.error(
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
        this.logger.error(
          named('impossible', run.impossible),
          'due campaigns in an impossible state (corrupt data) were left alone',
        );
      }
    } catch (err) {
      this.logger.warn({ err }, 'schedule run failed; retrying at the next interval');
    }
  }
}
