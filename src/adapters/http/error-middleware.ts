import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { requestTraceFields } from '../tracing/http-server-spans.js';
import { answerFor } from './error-statuses.js';

/** Every failure leaves as JSON `{code, message, ...}`; the unexpected ones are logged with the request id. */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const answer = answerFor(error);
      const requestId = ctx.state.requestId as string;
      if (answer.unexpected)
        logger.error(
          { err: error, requestId, method: ctx.method, path: ctx.path, ...requestTraceFields(ctx) },
          'request failed',
        );
      ctx.status = answer.status;
      ctx.set(answer.headers);
      ctx.body = { ...answer.body, requestId: answer.requestId ?? requestId };
    }
  };
}
