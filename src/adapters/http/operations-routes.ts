import Router from '@koa/router';
import type { ReadinessCheck } from '../observability/readiness-check.js';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { EXACT_PATHS } from './exact-paths.js';

export interface OperationsEndpoints {
  readiness: ReadinessCheck;
  /** Absent when METRICS_ENABLED=false: GET /metrics is then an unknown route. */
  metrics?: ServiceMetrics | undefined;
  /** Absent for `npm run relay`, which serves no API. */
  openApiDocument?: Record<string, unknown>;
}

/**
 * What load balancers, scrapers and client generators call: no token needed, so keep these paths on the
 * internal network (see docs/operations.md, "Endpoints for operators").
 */
export function operationsRouter(endpoints: OperationsEndpoints): Router {
  const router = new Router(EXACT_PATHS);

  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/health/ready', async (ctx) => {
    const report = await endpoints.readiness.check();
    ctx.status = report.status === 'unavailable' ? 503 : 200;
    ctx.body = report;
  });

  const { metrics } = endpoints;
  if (metrics !== undefined) {
    router.get('/metrics', async (ctx) => {
      ctx.type = metrics.contentType;
      ctx.body = await metrics.exposition();
    });
  }

  const { openApiDocument } = endpoints;
  if (openApiDocument !== undefined) {
    router.get('/openapi.json', (ctx) => {
      ctx.body = openApiDocument;
    });
  }

  return router;
}
