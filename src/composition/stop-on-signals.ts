import type { Logger } from 'pino';

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * What stops the process: a supervisor's SIGTERM, Ctrl-C's SIGINT, and the SIGHUP of a terminal that closed (which
 * would otherwise end it on the spot, with nothing drained: settings are read once, so there is nothing to reload).
 */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * A stop signal: stop gracefully and exit 0, or exit 1 when that takes longer than `timeoutMs`
 * (SHUTDOWN_TIMEOUT_MS). A second signal ends the process at once.
 */
export function stopOnSignals(work: Stoppable, logger: Logger, timeoutMs: number, stopping = 'stopping'): void {
  const stop = (signal: string) => {
    const began = performance.now();
    // From now on any stop signal, SIGINT after SIGTERM as well as the same one again, ends the process at once.
    for (const name of STOP_SIGNALS) process.removeListener(name, stop);
    const endNow = (again: string) => {
      logger.warn({ signal: again }, 'second signal while stopping: exiting at once');
      process.exit(1);
    };
    for (const name of STOP_SIGNALS) process.once(name, endNow);
    logger.info({ signal, timeoutMs }, stopping);
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out: exiting with work still open');
      process.exit(1);
    }, timeoutMs);
    work.stop().then(
      () => {
        logger.info({ durationMs: Math.round(performance.now() - began) }, 'stopped');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'stopped with an error');
        process.exit(1);
      },
    );
  };
  for (const name of STOP_SIGNALS) process.on(name, stop);
}
