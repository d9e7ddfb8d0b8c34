import Koa from 'koa';
import type { Logger } from 'pino';
import { type OperationsEndpoints, operationsRouter } from './operations-routes.js';
import { requestEnvelope } from './request-envelope.js';
import { serverWideOptions } from './server-wide-options.js';

/**
 * The operators' endpoints alone (/health/live, /health/ready, /metrics), for a process that serves no API: the
 * relay of `npm run relay`. Its requests go through the same envelope as the service's.
 */
export function createOperationsApp(logger: Logger, operations: OperationsEndpoints, draining: () => boolean): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(requestEnvelope({ logger, metrics: operations.metrics, draining }));
  const router = operationsRouter(operations);
  app.use(serverWideOptions([router]));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
