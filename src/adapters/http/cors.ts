import type { Middleware } from 'koa';

const ALLOWED_METHODS = 'GET, POST';
const ALLOWED_HEADERS =
  'Authorization, X-VoltMX-Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match, X-Request-Id';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * CORS for the listed origins only (exact `scheme://host[:port]` matches). The app adds it only when origins are
 * listed; without it browsers on other sites cannot read the answers. A preflight from a listed origin is answered
 * here, before authentication, since browsers send it without credentials.
 */
export function cors(allowedOrigins: readonly string[]): Middleware {
  const allowed = new Set(allowedOrigins);
  return async (ctx, next) => {
    ctx.vary('Origin');
    const origin = ctx.get('Origin');
    if (!allowed.has(origin)) return next();
    ctx.set('Access-Control-Allow-Origin', origin);
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method') !== '') {
      ctx.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
      ctx.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      ctx.set('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
      ctx.status = 204;
      return;
    }
    ctx.set('Access-Control-Expose-Headers', 'X-Request-Id, WWW-Authenticate, ETag');
    await next();
  };
}
