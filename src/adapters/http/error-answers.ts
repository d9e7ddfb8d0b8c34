import type { Context } from 'koa';
import type { Logger } from 'pino';
import { requestTraceFields } from '../tracing/http-server-spans.js';
import { answerFor } from './error-statuses.js';

/** Every failure leaves as JSON `{code, message, ...}`; the unexpected ones are logged with the request id. */
export function answerWithError(ctx: Context, error: unknown, logger: Logger, requestId: string): void {
  const answer = answerFor(error);
  if (answer.unexpected)
    logger.error(
      { err: error, requestId, method: ctx.method, path: ctx.path, ...requestTraceFields(ctx) },
      'request failed',
    );
  ctx.status = answer.status;
  ctx.set(answer.headers);
  ctx.body = { ...answer.body, requestId: answer.requestId ?? requestId };
}
