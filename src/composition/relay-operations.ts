import { createServer, type Server } from 'node:http';
import type { Container } from 'inversify';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../adapters/config/config.js';
import { answerClientErrorsAsJson } from '../adapters/http/client-errors.js';
import { boundedAnswers } from '../adapters/http/connection-answers.js';
import { createOperationsApp } from '../adapters/http/operations-app.js';
import { parserRefusalLines } from '../adapters/http/request-logging.js';
import { serverOptions } from '../adapters/http/server-limits.js';
import { closeSilentConnections } from '../adapters/http/silent-connections.js';
import { ReadinessCheck } from '../adapters/observability/readiness-check.js';
import { KnexDatabaseProbe } from '../adapters/persistence/knex/knex-database-probe.js';
import { localUrl } from './local-url.js';
import { StartupFailure } from './startup-failure.js';
import { TYPES } from './types.js';

/**
 * `npm run relay`'s own /health/live, /health/ready and /metrics on RELAY_PORT, so that an orchestrator can probe it
 * and Prometheus scrape its relay metrics as for a service instance. Resolves once it listens.
 */
export async function serveRelayOperations(
  container: Container,
  config: ServiceConfig,
  logger: Logger,
  stopping: () => boolean,
): Promise<Server> {
  const metrics = config.metricsEnabled ? container.get(TYPES.Metrics) : undefined;
  const readiness = new ReadinessCheck({
    database: new KnexDatabaseProbe(container.get(TYPES.ProbeDatabase)),
    backlog: container.get(TYPES.OutboxBacklog),
    relay: container.get(TYPES.RelayStatus),
    stopping,
  });
  const app = createOperationsApp(logger, { readiness, metrics }, stopping);
  const refused = parserRefusalLines(logger);
  const answers = boundedAnswers(app.callback(), refused);
  metrics?.countRequestsInProgress(answers.inProgress);
  const server = createServer(serverOptions(config.connectionTimeouts), answers);
  answerClientErrorsAsJson(server, refused);
  closeSilentConnections(server, config.connectionTimeouts.headersTimeoutMs, refused);
  server.once('close', answers.stop);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new StartupFailure('RELAY_PORT', `port ${config.relay.port} cannot be listened on`, error)),
    );
    server.listen(config.relay.port, config.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  logger.info({ url: localUrl(config.host, port) }, 'outbox relay answers /health/live, /health/ready and /metrics');
  return server;
}
