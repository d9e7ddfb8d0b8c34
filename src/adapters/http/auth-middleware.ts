import type { Context, Middleware } from 'koa';
import type { Principal } from '../auth/principal.js';
import { KeySetUnavailable, TokenRejected, type TokenVerifier } from '../auth/token-verifier.js';
import { RequestRefused } from './request-refused.js';

const CHALLENGE = 'Bearer realm="campaigns"';

/** What a protected route does once the caller is known; it cannot be reached without a principal. */
export type ProtectedHandler = (ctx: Context, principal: Principal) => Promise<void>;

/**
 * The gateway filter fused with the route: a verified bearer token (Authorization or X-VoltMX-Authorization)
 * carrying `scope`, or 401/403. The handler gets the principal as an argument, so no path, router prefix or
 * middleware order can lead to it without one.
 */
export function authorized(verifier: TokenVerifier, scope: string, handler: ProtectedHandler): Middleware {
  return async (ctx) => {
    const principal = await authenticate(ctx, verifier);
    if (!principal.scopes.has(scope)) {
      throw new RequestRefused(
        'FORBIDDEN',
        `The token lacks the ${scope} scope`,
        { requiredScope: scope },
        {
          'WWW-Authenticate': `${CHALLENGE}, error="insufficient_scope", scope="${scope}"`,
        },
      );
    }
    await handler(ctx, principal);
  };
}

async function authenticate(ctx: Context, verifier: TokenVerifier): Promise<Principal> {
  const token = bearerToken(ctx.get('Authorization')) ?? bearerToken(ctx.get('X-VoltMX-Authorization'), true);
  if (token === undefined) {
    throw new RequestRefused(
      'UNAUTHORIZED',
      'A bearer token is required (Authorization: Bearer <token>)',
      {},
      {
        'WWW-Authenticate': CHALLENGE,
      },
    );
  }
  try {
    return await verifier.verify(token);
  } catch (error) {
    if (error instanceof KeySetUnavailable) {
      throw new RequestRefused(
        'TOKEN_KEYS_UNAVAILABLE',
        'The keys that verify tokens cannot be fetched now (AUTH_JWKS_URL); the token was not judged, try again',
        {},
        { 'Retry-After': '5' },
      );
    }
    if (!(error instanceof TokenRejected)) throw error;
    throw new RequestRefused(
      'UNAUTHORIZED',
      `The bearer token was refused: ${error.message}`,
      {},
      {
        'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"`,
      },
    );
  }
}

function bearerToken(header: string, bareAllowed = false): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (match) return match[1];
  return bareAllowed && /^\S+$/.test(header) ? header : undefined;
}
