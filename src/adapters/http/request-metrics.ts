import type { Middleware } from 'koa';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { matchedRoute } from './matched-route.js';

/** Times every request into the duration histogram, labelled by method, route pattern and status. */
export function requestMetrics(metrics: ServiceMetrics): Middleware {
  return async (ctx, next) => {
    const stopTimer = metrics.httpRequestDuration.startTimer();
    try {
      await next();
    } finally {
      stopTimer({ method: ctx.method, route: matchedRoute(ctx) ?? 'unmatched', status: String(ctx.status) });
    }
  };
}
