import type { Context } from 'koa';
import { RequestRefused } from './request-refused.js';

/** A request no route answered: no such route (404), not this method (405), a method nobody knows (501). */
export function refuseUnansweredRequest(ctx: Context): void {
  if (ctx.body !== undefined) return;
  if (ctx.status === 404) throw new RequestRefused('NOT_FOUND', 'No such route');
  if (ctx.status === 405) {
    const allow = ctx.response.get('Allow');
    throw new RequestRefused(
      'METHOD_NOT_ALLOWED',
      `${ctx.method} is not allowed here; use ${allow}`,
      {},
      { Allow: allow },
    );
  }
  if (ctx.status === 501) throw new RequestRefused('NOT_IMPLEMENTED', `The method ${ctx.method} is not implemented`);
}
