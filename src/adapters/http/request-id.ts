import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';

const ACCEPTABLE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Takes the caller's X-Request-Id when it is sane, makes one otherwise, keeps it on the context and echoes it. */
export function assignRequestId(ctx: Context): string {
  const offered = ctx.get('X-Request-Id');
  const requestId = ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
  ctx.state.requestId = requestId;
  ctx.set('X-Request-Id', requestId);
  return requestId;
}
