import type { Context } from 'koa';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { UNMATCHED } from './request-logging.js';

/** One request into the duration histogram, labelled by method, route pattern and status. */
export function observeRequest(metrics: ServiceMetrics, ctx: Context, route: string | null, seconds: number): void {
  metrics.httpRequestDuration.observe(
    { method: ctx.method, route: route ?? UNMATCHED, status: String(ctx.status) },
    seconds,
  );
}
