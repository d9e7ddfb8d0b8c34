import type { Context } from 'koa';

/**
 * The routers' `Allow` names the methods a path's routes were declared with; OPTIONS, which every route answers,
 * is added to them. On a path no route has (an unknown method there is 501) the routers leave `Allow` empty,
 * which would say that no method at all is allowed: it is dropped.
 */
export function completeAllowHeader(ctx: Context): void {
  const allow = ctx.res.getHeader('Allow');
  if (typeof allow !== 'string') return;
  if (allow === '') ctx.remove('Allow');
  else if (!allow.split(', ').includes('OPTIONS')) ctx.set('Allow', `${allow}, OPTIONS`);
}
