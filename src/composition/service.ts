import 'reflect-metadata';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Container } from 'inversify';
import type { Knex } from 'knex';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { loadOrCreateDevelopmentSecret } from '../adapters/auth/development-secret.js';
import type { ServiceConfig } from '../adapters/config/config.js';
import { createHttpApp } from '../adapters/http/app.js';
import type { CampaignUseCases } from '../adapters/http/campaign-routes.js';
import { answerClientErrorsAsJson, type ParserRefusalSeen } from '../adapters/http/client-errors.js';
import { boundedAnswers } from '../adapters/http/connection-answers.js';
import { loadConsoleAssets } from '../adapters/http/console-routes.js';
import { loadOpenApiDocument } from '../adapters/http/openapi-document.js';
import { parserRefusalLines } from '../adapters/http/request-logging.js';
import { type ConnectionTimeouts, serverOptions } from '../adapters/http/server-limits.js';
import { closeSilentConnections } from '../adapters/http/silent-connections.js';
import { installTracing } from '../adapters/tracing/tracing-sdk.js';
import type { Clock, OutboxSignal, UnitOfWork } from '../application/index.js';
import { authModule, warnOfUncheckedAudience } from './auth-module.js';
import { databaseModule } from './database-module.js';
import { localUrl } from './local-url.js';
import { messagingModule } from './messaging-module.js';
import { migrateOnOwnDatabase } from './migration.js';
import { observabilityModule } from './observability-module.js';
import { persistenceModule } from './persistence-module.js';
import { checkPortFree } from './port-check.js';
import { startRelayInProcess } from './relay-process.js';
import { serviceModule } from './service-module.js';
import { StartupFailure, throwListenFailure } from './startup-failure.js';
import { StartupStop, StartupStopped } from './startup-stop.js';
import { systemModule } from './system-module.js';
import { tracingModule } from './tracing-module.js';
import { TYPES } from './types.js';
import { useCaseModule } from './use-case-module.js';

export interface RunningService {
  url: string;
  server: Server;
  container: Container;
  /** The Koa application the server runs; its routers list the routes it serves. */
  app: Koa;
  /** Set in development mode: the HS256 secret that signs development tokens. */
  developmentSecret: string | undefined;
  stop(): Promise<void>;
}

export interface ServiceOverrides {
  clock?: Clock;
  /** Another unit of work on the service's database (a benchmark compares SQLite drivers with it). */
  unitOfWork?: (db: Knex, signal: OutboxSignal) => UnitOfWork;
  /** The use cases the routes call, given the service's own (a benchmark measures the HTTP layer alone with it). */
  campaignUseCases?: (own: CampaignUseCases) => CampaignUseCases;
  /** Told of each part as it starts, so a signal during startup stops what runs (main.ts). */
  startup?: StartupStop;
}

/** `developmentSecret` is asked for only in development mode (no AUTH_JWT_SECRET or AUTH_JWKS_URL). */
export function buildContainer(
  config: ServiceConfig,
  logger: Logger,
  developmentSecret: () => string = noDevelopmentSecret,
): Container {
  const container = new Container();
  container.bind(TYPES.Config).toConstantValue(config);
  container.bind(TYPES.Logger).toConstantValue(logger);
  container.load(
    databaseModule,
    persistenceModule,
    systemModule,
    authModule(developmentSecret),
    useCaseModule,
    serviceModule,
    observabilityModule,
    tracingModule,
  );
  if (config.kafka !== undefined) container.load(messagingModule(config.kafka, config.relay));
  return container;
}

/** The composition root: wires every part, migrates the database and starts listening. */
export async function startService(
  config: ServiceConfig,
  logger: Logger,
  overrides: ServiceOverrides = {},
): Promise<RunningService> {
  // Before anything is made or written: a second instance on a taken port leaves no trace.
  await checkPortFree(config.port, config.host).catch(throwListenFailure(config));
  warnOfUncheckedAudience(config, logger);
  // Before the database opens: the PostgreSQL instrumentation hooks `pg` when knex first loads it.
  const tracing = await installTracing(config.tracing, logger);
  let developmentSecret: string | undefined;
  const container = buildContainer(config, logger, () => {
    if (developmentSecret === undefined) throw new Error('the development secret is asked for before it is kept');
    return developmentSecret;
  });
  if (overrides.clock) container.rebind(TYPES.Clock).toConstantValue(overrides.clock);
  if (overrides.unitOfWork) {
    const unitOfWork = overrides.unitOfWork;
    container
      .rebind(TYPES.UnitOfWork)
      .toResolvedValue((db: Knex, signal: OutboxSignal) => unitOfWork(db, signal), [TYPES.Database, TYPES.OutboxSignal])
      .inSingletonScope();
  }

  const startup = overrides.startup ?? new StartupStop();
  startup.started(() => tracing.flush());
  const db = container.get(TYPES.Database);
  const probeDb = container.get(TYPES.ProbeDatabase);
  startup.started(async () => {
    await db.destroy();
    if (probeDb !== db) await probeDb.destroy();
  });
  const applied = await migrateOnOwnDatabase(container, config, startup);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  // Once the database is reached: a setup that fails before then leaves no secret behind.
  if (config.auth.mode === 'development') developmentSecret = developmentSecretIn(config.dataDir);
  startup.goOn();

  const pruning = [container.get(TYPES.IdempotencyKeyPruning), container.get(TYPES.OutboxPruning)];
  for (const pass of pruning) pass.start();
  startup.started(() => Promise.all(pruning.map((pass) => pass.stop())));
  const relay = startRelayInProcess(container, config, logger);
  if (relay !== undefined)
    startup.started(async () => {
      await relay.stop();
      container.get(TYPES.RelayStatus).stopped();
    });

  const scheduleLoop = config.scheduler.enabled ? container.get(TYPES.ScheduleLoop) : undefined;
  if (scheduleLoop !== undefined) startup.started(() => scheduleLoop.stop());
  await scheduleLoop?.start();
  startup.goOn();

  const shutdown = container.get(TYPES.ShutdownState);
  const useCases = container.get(TYPES.CampaignUseCases);
  const app = createHttpApp({
    useCases: overrides.campaignUseCases ? overrides.campaignUseCases(useCases) : useCases,
    verifier: container.get(TYPES.TokenVerifier),
    logger,
    basePath: config.basePath,
    corsOrigins: config.corsOrigins,
    consoleAssets: loadConsoleAssets(),
    draining: () => shutdown.stopping,
    operations: {
      readiness: container.get(TYPES.Readiness),
      metrics: config.metricsEnabled ? container.get(TYPES.Metrics) : undefined,
      openApiDocument: loadOpenApiDocument(),
    },
  });
  const refused = parserRefusalLines(logger);
  const answers = boundedAnswers(app.callback(), refused);
  if (config.metricsEnabled) container.get(TYPES.Metrics).countRequestsInProgress(answers.inProgress);
  const server = await listen(answers, config.port, config.host, config.connectionTimeouts, refused).catch(
    throwListenFailure(config),
  );
  server.once('close', answers.stop);
  if (startup.stopping) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw new StartupStopped();
  }
  const { port } = server.address() as AddressInfo;

  const running: RunningService = {
    url: localUrl(config.host, port),
    server,
    container,
    app,
    developmentSecret,
    /** Stops taking connections, lets every request in flight finish, then stops what startup started. */
    async stop() {
      shutdown.stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // The scheduler stops at once: its run may take a while to end, and it starts nothing more meanwhile.
      await Promise.all([closed, scheduleLoop?.stop()]);
      await startup.stopStarted();
    },
  };
  startup.up(running);
  return running;
}

function noDevelopmentSecret(): never {
  throw new Error('no development secret: the configuration names a way to verify tokens');
}

function developmentSecretIn(dataDir: string): string {
  try {
    return loadOrCreateDevelopmentSecret(dataDir);
  } catch (error) {
    throw new StartupFailure('DATA_DIR', `the development secret cannot be kept in ${dataDir}`, error);
  }
}

function listen(
  handler: RequestListener,
  port: number,
  host: string | undefined,
  timeouts: ConnectionTimeouts,
  refused: ParserRefusalSeen,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(serverOptions(timeouts), handler);
    server.on('checkExpectation', handler);
    // The app sends `100 Continue` itself, once it reads the body (expected-continue.ts).
    server.on('checkContinue', handler);
    answerClientErrorsAsJson(server, refused);
    closeSilentConnections(server, timeouts.headersTimeoutMs, refused);
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
