import type { Logger } from 'pino';
import { OutboxUnreachable, type RelayLog } from '../../application/index.js';
import { oneLineCause } from './one-line-cause.js';

export class PinoRelayLog implements RelayLog {
  constructor(private readonly logger: Logger) {}

  outageBegan(error: unknown): void {
    this.logger.warn(
      { cause: oneLineCause(error) },
      error instanceof OutboxUnreachable
        ? 'outbox relay cannot reach the outbox: the database does not answer it; events wait there and are published once it does'
        : 'outbox relay cannot publish: events wait in the outbox and are retried until the broker takes writes again',
    );
  }

  retryScheduled(failedAttempts: number, delayMs: number, error: unknown): void {
    this.logger.debug({ failedAttempts, delayMs, cause: oneLineCause(error) }, 'outbox relay retrying');
  }

  outageEnded(failedAttempts: number, downForMs: number): void {
    this.logger.info({ failedAttempts, downForMs }, 'outbox relay publishing again');
  }

  leading(): void {
    this.logger.info('outbox relay took the lease: this relay publishes the outbox');
  }

  handingOver(downForMs: number): void {
    this.logger.warn(
      { downForMs },
      "outbox relay handing the lease over: it could not publish for this long; another instance's relay, if one runs, may reach what this one cannot",
    );
  }

  tookLeaseBack(): void {
    this.logger.info('outbox relay took the lease back: no other relay took it; it goes on trying to publish');
  }

  standingBy(): void {
    this.logger.info('outbox relay standing by: another relay holds the lease and publishes the outbox');
  }
}
