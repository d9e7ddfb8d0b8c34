import type { Middleware } from 'koa';
import type { Principal } from '../auth/principal.js';
import { TokenRejected, type TokenVerifier } from '../auth/token-verifier.js';
import { RequestRefused } from './request-refused.js';

const CHALLENGE = 'Bearer realm="campaigns"';

/** The gateway filter: a verified bearer token (Authorization or X-VoltMX-Authorization) or 401. */
export function authenticate(verifier: TokenVerifier): Middleware {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('Authorization')) ?? bearerToken(ctx.get('X-VoltMX-Authorization'), true);
    if (token === undefined) {
      throw new RequestRefused('UNAUTHORIZED', 'A bearer token is required (Authorization: Bearer <token>)', {}, {
        'WWW-Authenticate': CHALLENGE,
      });
    }
    try {
      ctx.state.principal = await verifier.verify(token);
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      throw new RequestRefused('UNAUTHORIZED', `The bearer token was refused: ${error.message}`, {}, {
        'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"`,
      });
    }
    await next();
  };
}

export function requireScope(scope: string): Middleware {
  return async (ctx, next) => {
    const principal = ctx.state.principal as Principal;
    if (!principal.scopes.has(scope)) {
      throw new RequestRefused('FORBIDDEN', `The token lacks the ${scope} scope`, { requiredScope: scope }, {
        'WWW-Authenticate': `${CHALLENGE}, error="insufficient_scope", scope="${scope}"`,
      });
    }
    await next();
  };
}

function bearerToken(header: string, bareAllowed = false): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (match) return match[1];
  return bareAllowed && /^\S+$/.test(header) ? header : undefined;
}
