import type { Context } from 'koa';

/**
 * Answers are data for programs, never pages to sniff and render or to keep in a shared cache. (Koa and
 * node:http add no `X-Powered-By` or `Server` banner; a test keeps it that way.)
 */
export function setSecurityHeaders(ctx: Context): void {
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Cache-Control', 'no-store');
}
