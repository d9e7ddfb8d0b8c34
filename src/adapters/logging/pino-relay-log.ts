import type { Logger } from 'pino';
import type { RelayLog } from '../../application/index.js';

export class PinoRelayLog implements RelayLog {
  constructor(private readonly logger: Logger) {}

  outageBegan(error: unknown): void {
    this.logger.warn(
      { err: error },
      'outbox relay cannot publish: events wait in the outbox and are retried with backoff until the broker answers',
    );
  }

  retryScheduled(failedAttempts: number, delayMs: number, error: unknown): void {
    this.logger.debug({ failedAttempts, delayMs, err: error }, 'outbox relay retrying');
  }

  outageEnded(failedAttempts: number, downForMs: number): void {
    this.logger.info({ failedAttempts, downForMs }, 'outbox relay publishing again');
  }

  leading(): void {
    this.logger.info('outbox relay took the lease: this relay publishes the outbox');
  }

  standingBy(): void {
    this.logger.info('outbox relay standing by: another relay holds the lease and publishes the outbox');
  }
}
