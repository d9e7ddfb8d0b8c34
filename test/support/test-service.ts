import type { Knex } from 'knex';
import { parse } from 'lossless-json';
import { type Logger, pino } from 'pino';
import { ALL_SCOPES } from '../../src/adapters/auth/principal.js';
import { mintToken } from '../../src/adapters/auth/token-minter.js';
import { loadConfig } from '../../src/adapters/config/config.js';
import { jsonNumber } from '../../src/adapters/http/exact-json.js';
import type { Clock } from '../../src/application/index.js';
import { createLogger } from '../../src/composition/logger.js';
import { type RunningService, startService } from '../../src/composition/service.js';
import { TYPES } from '../../src/composition/types.js';
import type { DatabaseKind, TestDatabase } from './databases.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** The real service (composition root, Koa, Knex) on a real database, listening on a free port. */
export class TestService {
  private constructor(
    readonly running: RunningService,
    private readonly database: TestDatabase,
    readonly defaultToken: string,
  ) {}

  static async start(
    kind: DatabaseKind,
    options: { clock?: Clock; env?: Record<string, string>; database?: TestDatabase; logger?: Logger } = {},
  ): Promise<TestService> {
    const database = options.database ?? (await kind.create());
    const env = {
      AUTH_JWT_SECRET: TEST_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      SCHEDULER: 'off',
      ...database.env,
      ...options.env,
    };
    const logger = options.logger ?? serviceLogger();
    const running = await startService(loadConfig(env), logger, options.clock ? { clock: options.clock } : {});
    const token = await mintToken({ secret: TEST_SECRET, subject: 'tester' });
    return new TestService(running, database, token);
  }

  get dataDir(): string {
    return this.database.dataDir;
  }

  get url(): string {
    return this.running.url;
  }

  get db(): Knex {
    return this.running.container.get(TYPES.Database);
  }

  token(subject = 'tester', scopes: readonly string[] = ALL_SCOPES): Promise<string> {
    return mintToken({ secret: TEST_SECRET, subject, scopes });
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? this.defaultToken : options.token;
    if (token !== null) headers.authorization ??= `Bearer ${token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : parse(text, null, jsonNumber);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  /** Creates a scheduled campaign through the API and answers its id. */
  async createCampaign(fields: Record<string, unknown> = {}): Promise<string> {
    const answer = await this.request('POST', '/api/v1/campaigns', {
      body: { name: 'Spring sale', startAt: inDays(1), endAt: inDays(30), ...fields },
    });
    if (answer.status !== 200) throw new Error(`create failed: ${answer.status} ${answer.text}`);
    return answer.body.id as string;
  }

  async outboxRows(): Promise<Array<Record<string, unknown>>> {
    return this.db('outbox')
      .select('event_id', 'event_type', this.db.raw('CAST(aggregate_id AS TEXT) AS aggregate_id'), 'payload')
      .orderBy('sequence');
  }

  /** Stops the service and keeps its database, so another service can start on it (a restart). */
  async stopKeepingDatabase(): Promise<TestDatabase> {
    await this.running.stop();
    return this.database;
  }

  async stop(): Promise<void> {
    try {
      await this.running.stop();
    } finally {
      await this.database.drop();
    }
  }
}

export function inDays(days: number, from = Date.now()): string {
  return new Date(from + days * 86_400_000).toISOString();
}

/**
 * Silent, unless TEST_SERVICE_LOG=<path prefix> is set: then each service the tests start writes its debug log,
 * kafkajs's included, to a file of its own (`<prefix>-<pid>-<start time>.log`).
 */
function serviceLogger(): Logger {
  const prefix = process.env.TEST_SERVICE_LOG;
  if (prefix === undefined || prefix === '') return createLogger('silent');
  const destination = pino.destination({ dest: `${prefix}-${process.pid}-${Date.now()}.log`, sync: true });
  return createLogger('debug', { destination });
}
