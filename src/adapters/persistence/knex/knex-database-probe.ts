import type { Knex } from 'knex';
import { openedFileProblem } from '../sqlite/opened-file.js';
import { keepWriteAheadLogOf, WriteAheadLogLost } from '../sqlite/write-ahead-log.js';
import { answerWithin, DATABASE_ANSWER_TIMEOUT_MS, NoAnswerWithin } from './answer-within.js';

export interface DatabaseProbeResult {
  up: boolean;
  latencyMs: number;
  /**
   * Why the database did not answer: a driver error code or a timeout, never a message with addresses or files; or
   * that the SQLite file of DATABASE_URL, or its write-ahead log, is no longer the one opened, naming neither path.
   */
  error?: string;
}

/** Asks the database the cheapest question there is, and gives up after `timeoutMs`. */
export class KnexDatabaseProbe {
  constructor(
    private readonly db: Knex,
    private readonly timeoutMs = DATABASE_ANSWER_TIMEOUT_MS,
  ) {}

  async check(): Promise<DatabaseProbeResult> {
    const started = performance.now();
    try {
      const moved = openedFileProblem(this.db);
      if (moved !== undefined) return { up: false, latencyMs: 0, error: moved.withoutPath };
      await keepWriteAheadLogOf(this.db);
      await answerWithin(this.db.raw('SELECT 1'), this.timeoutMs);
      return { up: true, latencyMs: elapsed(started) };
    } catch (error) {
      return { up: false, latencyMs: elapsed(started), error: describe(error) };
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function describe(error: unknown): string {
  if (error instanceof NoAnswerWithin) return error.message;
  if (error instanceof WriteAheadLogLost) return error.withoutPath;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'the query failed';
}
