import type { Context } from 'koa';
import type { Logger } from 'pino';
import { requestTraceFields } from '../tracing/http-server-spans.js';
import { answerFor } from './error-statuses.js';
import { matchedRoute } from './matched-route.js';

/**
 * Every failure leaves as JSON `{code, message, ...}`; the unexpected ones are logged with the request id and the
 * route's pattern, as the request's own line names it: never the path, whose ids and words a client chose.
 */
export function answerWithError(ctx: Context, error: unknown, logger: Logger, requestId: string): void {
  const answer = answerFor(error);
  if (answer.unexpected)
    logger.error(
      {
        err: error,
        requestId,
        method: ctx.method,
        route: matchedRoute(ctx) ?? 'unmatched',
        ...requestTraceFields(ctx),
      },
      'request failed',
    );
  ctx.status = answer.status;
  ctx.set(answer.headers);
  ctx.body = { ...answer.body, requestId: answer.requestId ?? requestId };
}
