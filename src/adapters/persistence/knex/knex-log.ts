import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { RepeatedLines } from '../../logging/repeated-lines.js';

/** How long the same warning stays at `debug` once written at `warn`. */
export const REPEATED_WARNING_QUIET_MS = 60_000;

/**
 * Knex's log functions, writing the first line of each message to `logger`. Knex warns on every failed attempt to
 * connect (the scheduler and the relay try every second while the database is down), so a warning already written
 * in the last minute goes to `debug`; the next one written at `warn` counts those it stood for (`repeated`).
 */
export function knexLog(
  logger: Logger,
  /** Milliseconds on a clock that never goes back: the quiet period is a span of time. */
  now: () => number = () => performance.now(),
): Required<Pick<Knex.Logger, 'warn' | 'error' | 'debug' | 'deprecate'>> {
  const line = (message: unknown) => (typeof message === 'string' ? message.split('\n')[0]!.trim() : String(message));
  const quiet = new RepeatedLines(REPEATED_WARNING_QUIET_MS);
  const warn = (message: unknown) => {
    const text = line(message);
    const repeated = quiet.admit(text, now());
    if (repeated === undefined) logger.debug({ component: 'knex' }, text);
    else logger.warn(repeated > 0 ? { component: 'knex', repeated } : { component: 'knex' }, text);
  };
  return {
    warn,
    error: (message: unknown) => logger.error({ component: 'knex' }, line(message)),
    debug: (message: unknown) => logger.debug({ component: 'knex' }, line(message)),
    deprecate: warn,
  };
}
