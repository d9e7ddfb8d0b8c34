import type { Context } from 'koa';
import type { Logger } from 'pino';
import { requestTraceFields } from '../tracing/http-server-spans.js';
import type { ParserRefusalSeen } from './client-errors.js';

/** Probes and scrapes come every few seconds: logged at debug level so they do not drown the requests. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/** The route of a path no route knows, in the log as in the metrics (request-metrics.ts). */
export const UNMATCHED = 'unmatched';

export type RequestLine = (ctx: Context, route: string | null, durationMs: number) => void;

/**
 * One JSON line per request: method, route pattern, status, duration, request id and trace ids. Never headers,
 * tokens, query strings or bodies.
 */
export function requestLines(logger: Logger): RequestLine {
  // The line holds only the fields below, so the logger's redaction has nothing to find in it; skipping it saves
  // several times what the rest of the line costs (docs/performance.md).
  const lines = logger.child({}, { redact: [] });
  return (ctx, route, durationMs) => {
    const line = {
      requestId: ctx.state.requestId as string,
      method: ctx.method,
      route: route ?? UNMATCHED,
      status: ctx.status,
      durationMs,
      ...requestTraceFields(ctx),
    };
    if (route !== null && QUIET_ROUTES.has(route)) lines.debug(line, 'request');
    else lines.info(line, 'request');
  };
}

/**
 * The line of a request node:http refused before it reached the app (headers too large or too slow, not HTTP, a
 * method it does not know), under the request id its answer gives: no route, and no duration, as nothing timed it.
 */
export function parserRefusalLines(logger: Logger): ParserRefusalSeen {
  const lines = logger.child({}, { redact: [] });
  return ({ requestId, method, status }) => lines.info({ requestId, method, route: null, status }, 'request');
}
