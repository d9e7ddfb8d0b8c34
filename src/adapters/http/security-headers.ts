import type { Middleware } from 'koa';

/**
 * Answers are data for programs, never pages to sniff and render or to keep in a shared cache. (Koa and
 * node:http add no `X-Powered-By` or `Server` banner; a test keeps it that way.)
 */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-store');
    await next();
  };
}
