import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { RequestRefused } from './request-refused.js';

/**
 * A request for the server as a whole (`*`, the asterisk form, RFC 9112 §3.2.4), which only OPTIONS may send
 * (RFC 9110 §9.3.7): OPTIONS is answered `200` with every method some route of `routers` answers, as `Allow`;
 * any other method is refused `400`, since `*` names no resource. The routers would answer either with `404`.
 */
export function serverWideOptions(routers: readonly Router[]): Middleware {
  const methods = new Set(['OPTIONS']);
  for (const router of routers)
    for (const layer of router.stack) for (const method of layer.methods) methods.add(method);
  const allow = [...methods].join(', ');
  return async (ctx, next) => {
    if (ctx.url !== '*') return next();
    if (ctx.method !== 'OPTIONS') {
      throw new RequestRefused('INVALID_REQUEST', `The request target * is for OPTIONS only, not for ${ctx.method}`);
    }
    ctx.set('Allow', allow);
    ctx.status = 200;
    ctx.body = '';
  };
}
