import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { completeAllowHeader } from './allow-header.js';
import { closeConnectionWhileDraining } from './connection-draining.js';
import { untypeEmptyAnswer } from './empty-answer.js';
import { answerWithError } from './error-answers.js';
import { refuseNonConformingRequest } from './http-conformance.js';
import { matchedRoute } from './matched-route.js';
import { assignRequestId } from './request-id.js';
import { requestLines } from './request-logging.js';
import { observeRequest } from './request-metrics.js';
import { setSecurityHeaders } from './security-headers.js';
import { refuseUnansweredRequest } from './unanswered-requests.js';

export interface RequestEnvelopeOptions {
  logger: Logger;
  /** Absent: no duration histogram. */
  metrics?: ServiceMetrics | undefined;
  /** True once the service is stopping. */
  draining?: (() => boolean) | undefined;
}

/**
 * What every request gets around its route, in this order: a request id and the security headers; the HTTP
 * conformance checks; then, after the routes, OPTIONS in `Allow`, a JSON refusal for a request none of them
 * answered, no media type on an empty answer and a JSON answer for any failure; last `Connection: close` while
 * draining, the duration histogram and the request's log line. One middleware rather than one per concern: each
 * Koa middleware adds promises and a turn of `await` to every request (docs/performance.md).
 */
export function requestEnvelope(options: RequestEnvelopeOptions): Middleware {
  const { logger, metrics, draining } = options;
  const logRequest = requestLines(logger);
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const requestId = assignRequestId(ctx);
    setSecurityHeaders(ctx);
    try {
      refuseNonConformingRequest(ctx);
      await next();
      completeAllowHeader(ctx);
      refuseUnansweredRequest(ctx);
      untypeEmptyAnswer(ctx);
    } catch (error) {
      answerWithError(ctx, error, logger, requestId);
    } finally {
      closeConnectionWhileDraining(ctx, draining);
      const route = matchedRoute(ctx) ?? null;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (metrics) observeRequest(metrics, ctx, route, durationMs / 1000);
      logRequest(ctx, route, durationMs);
    }
  };
}
