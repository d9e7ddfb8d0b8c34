import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { requestTraceFields } from '../tracing/http-server-spans.js';
import { matchedRoute } from './matched-route.js';

/** Probes and scrapes come every few seconds: logged at debug level so they do not drown the requests. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * One JSON line per request: method, route pattern, status, duration, request id and trace ids. Never headers,
 * tokens, query strings or bodies.
 */
export function requestLogging(logger: Logger): Middleware {
  // The line holds only the fields below, so the logger's redaction has nothing to find in it; skipping it saves
  // several times what the rest of the line costs (docs/performance.md).
  const lines = logger.child({}, { redact: [] });
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = matchedRoute(ctx) ?? null;
      const line = {
        requestId: ctx.state.requestId as string,
        method: ctx.method,
        route,
        status: ctx.status,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        ...requestTraceFields(ctx),
      };
      if (route !== null && QUIET_ROUTES.has(route)) lines.debug(line, 'request');
      else lines.info(line, 'request');
    }
  };
}
