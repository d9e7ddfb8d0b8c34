import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { loadConfig } from '../../src/adapters/config/config.js';
import { createHttpApp } from '../../src/adapters/http/app.js';
import type { CampaignUseCases } from '../../src/adapters/http/campaign-routes.js';
import { answerClientErrorsAsJson } from '../../src/adapters/http/client-errors.js';
import { serverOptions } from '../../src/adapters/http/server-limits.js';
import { closeSilentConnections } from '../../src/adapters/http/silent-connections.js';
import { migrateToLatest } from '../../src/adapters/persistence/migrations/index.js';
import { createLogger } from '../../src/composition/logger.js';
import { buildContainer } from '../../src/composition/service.js';
import { TYPES } from '../../src/composition/types.js';
import type { DatabaseKind, TestDatabase } from './databases.js';
import { TEST_SECRET } from './test-service.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * The HTTP app wired as the composition root wires it, on a real database, with every use case wrapped so a
 * test sees which ones a request reached.
 */
export class SpiedService {
  /** Names of the use cases reached since the last `request`. */
  reached: string[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  private constructor(
    private readonly server: Server,
    readonly db: Knex,
    private readonly database: TestDatabase,
  ) {}

  static async start(kind: DatabaseKind, env: Record<string, string> = {}): Promise<SpiedService> {
    const database = await kind.create();
    const config = loadConfig({ AUTH_JWT_SECRET: TEST_SECRET, SCHEDULER: 'off', ...database.env, ...env });
    const container = buildContainer(config, createLogger('silent'));
    const db = container.get(TYPES.Database);
    await migrateToLatest(db);
    let service: SpiedService | undefined;
    const real = container.get(TYPES.CampaignUseCases);
    const spied = Object.fromEntries(
      Object.entries(real).map(([name, useCase]) => [
        name,
        {
          execute: (...args: unknown[]) => {
            service?.reached.push(name);
            return (useCase as { execute: (...a: unknown[]) => unknown }).execute(...args);
          },
        },
      ]),
    ) as unknown as CampaignUseCases;
    const app = createHttpApp({
      useCases: spied,
      verifier: container.get(TYPES.TokenVerifier),
      logger: createLogger('silent'),
      basePath: config.basePath,
    });
    const server = createServer(serverOptions(config.connectionTimeouts), app.callback());
    server.on('checkExpectation', app.callback());
    answerClientErrorsAsJson(server);
    closeSilentConnections(server, config.connectionTimeouts.headersTimeoutMs);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    service = new SpiedService(server, db, database);
    return service;
  }

  /** Sends `path` exactly as given (no normalisation of dot segments, slashes or case). */
  request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
    this.reached = [];
    const { port } = this.server.address() as AddressInfo;
    const framed = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: framed, agent: this.agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.db.destroy();
    await this.database.drop();
  }
}
