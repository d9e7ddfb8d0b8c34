import type Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { httpServerSpans } from '../tracing/http-server-spans.js';
import { type CampaignUseCases, campaignRouter } from './campaign-routes.js';
import { type ConsoleAsset, consoleRouter } from './console-routes.js';
import { cors } from './cors.js';
import { type OperationsEndpoints, operationsRouter } from './operations-routes.js';
import { requestEnvelope } from './request-envelope.js';
import { serverWideOptions } from './server-wide-options.js';

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
  app.use(
    requestEnvelope({ logger: options.logger, metrics: options.operations?.metrics, draining: options.draining }),
  );
  // Inside the envelope, so that its answers carry the request id and leave as JSON; only when origins are listed.
  if (options.corsOrigins && options.corsOrigins.length > 0) app.use(cors(options.corsOrigins));
  const routers: Router[] = [];
  for (const prefix of ['/api/v1', ...(options.basePath ? [`${options.basePath}/api/v1`] : [])]) {
    routers.push(campaignRouter(prefix, options.useCases, options.verifier));
  }
  if (options.operations) routers.push(operationsRouter(options.operations));
  if (options.consoleAssets) {
    routers.push(consoleRouter(['', ...(options.basePath ? [options.basePath] : [])], options.consoleAssets));
  }
  app.use(serverWideOptions(routers));
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
