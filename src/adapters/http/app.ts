import Koa from 'koa';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { campaignRouter, type CampaignUseCases } from './campaign-routes.js';
import { errorMiddleware } from './error-middleware.js';
import { requestIdMiddleware } from './request-id.js';
import { RequestRefused } from './request-refused.js';

export interface HttpAppOptions {
  useCases: CampaignUseCases;
  verifier: TokenVerifier;
  logger: Logger;
  /** Where the API is mounted besides /api/v1, e.g. /vpns as real Volt MX servers do. */
  basePath?: string | undefined;
}

export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(requestIdMiddleware());
  app.use(errorMiddleware(options.logger));
  app.use(async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) throw new RequestRefused('NOT_FOUND', 'No such route');
  });
  const prefixes = ['/api/v1', ...(options.basePath ? [`${options.basePath}/api/v1`] : [])];
  for (const prefix of prefixes) {
    const router = campaignRouter(prefix, options.useCases, options.verifier);
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
