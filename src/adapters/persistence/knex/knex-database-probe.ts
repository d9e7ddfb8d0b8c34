import type { Knex } from 'knex';

export interface DatabaseProbeResult {
  up: boolean;
  latencyMs: number;
  /** Why the database did not answer: a driver error code or a timeout, never a message with addresses. */
  error?: string;
}

/** Asks the database the cheapest question there is, and gives up after `timeoutMs`. */
export class KnexDatabaseProbe {
  constructor(
    private readonly db: Knex,
    private readonly timeoutMs = 2_000,
  ) {}

  async check(): Promise<DatabaseProbeResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([this.db.raw('SELECT 1'), timeout]);
      return { up: true, latencyMs: elapsed(started) };
    } catch (error) {
      return { up: false, latencyMs: elapsed(started), error: describe(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

class ProbeTimeout extends Error {}

function describe(error: unknown): string {
  if (error instanceof ProbeTimeout) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'the query failed';
}
