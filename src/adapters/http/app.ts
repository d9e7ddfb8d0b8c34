import Koa from 'koa';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { httpServerSpans } from '../tracing/http-server-spans.js';
import { type CampaignUseCases, campaignRouter } from './campaign-routes.js';
import { closeConnectionsWhileDraining } from './connection-draining.js';
import { type ConsoleAsset, consoleRouter } from './console-routes.js';
import { cors } from './cors.js';
import { errorMiddleware } from './error-middleware.js';
import { httpConformance } from './http-conformance.js';
import { type OperationsEndpoints, operationsRouter } from './operations-routes.js';
import { requestIdMiddleware } from './request-id.js';
import { requestLogging } from './request-logging.js';
import { requestMetrics } from './request-metrics.js';
import { RequestRefused } from './request-refused.js';
import { securityHeaders } from './security-headers.js';

export interface HttpAppOptions {
  useCases: CampaignUseCases;
  verifier: TokenVerifier;
  logger: Logger;
  /** Where the API is mounted besides /api/v1, e.g. /vpns as real Volt MX servers do. */
  basePath?: string | undefined;
  /** Health, metrics and the OpenAPI document, served without a token. */
  operations?: OperationsEndpoints;
  /** Browser origins allowed to call the API; none: CORS stays off. */
  corsOrigins?: readonly string[];
  /** The operator console's files, served at /console/ (and under basePath); absent: no console. */
  consoleAssets?: ReadonlyMap<string, ConsoleAsset>;
  /** True once the service is stopping: answers then close their connections. */
  draining?: () => boolean;
}

export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(httpServerSpans());
  app.use(requestIdMiddleware());
  if (options.draining) app.use(closeConnectionsWhileDraining(options.draining));
  app.use(requestLogging(options.logger));
  if (options.operations?.metrics) app.use(requestMetrics(options.operations.metrics));
  app.use(securityHeaders());
  app.use(cors(options.corsOrigins ?? []));
  app.use(errorMiddleware(options.logger));
  app.use(httpConformance());
  app.use(async (ctx, next) => {
    await next();
    if (ctx.body !== undefined) return;
    if (ctx.status === 404) throw new RequestRefused('NOT_FOUND', 'No such route');
    if (ctx.status === 405) {
      const allow = ctx.response.get('Allow');
      throw new RequestRefused(
        'METHOD_NOT_ALLOWED',
        `${ctx.method} is not allowed here; use ${allow}`,
        {},
        { Allow: allow },
      );
    }
    if (ctx.status === 501) throw new RequestRefused('NOT_IMPLEMENTED', `The method ${ctx.method} is not implemented`);
  });
  if (options.operations) {
    const operations = operationsRouter(options.operations);
    app.use(operations.routes());
    app.use(operations.allowedMethods());
  }
  const prefixes = ['/api/v1', ...(options.basePath ? [`${options.basePath}/api/v1`] : [])];
  for (const prefix of prefixes) {
    const router = campaignRouter(prefix, options.useCases, options.verifier);
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  // After the API, so that no API request pays for matching the console's paths.
  if (options.consoleAssets) {
    const console = consoleRouter(['', ...(options.basePath ? [options.basePath] : [])], options.consoleAssets);
    app.use(console.routes());
    app.use(console.allowedMethods());
  }
  return app;
}
