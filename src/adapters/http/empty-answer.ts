import type { Context } from 'koa';

/**
 * An answer without a body names no media type. Koa types an empty string body `text/plain` (the routers' answer
 * to OPTIONS has one), where every other answer of the service is JSON or names what it carries.
 */
export function untypeEmptyAnswer(ctx: Context): void {
  if (ctx.body === '' || (Buffer.isBuffer(ctx.body) && ctx.body.length === 0)) ctx.remove('Content-Type');
}
