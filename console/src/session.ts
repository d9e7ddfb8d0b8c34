import { claimsOf, scopesOf } from './token-claims.js';

const TOKEN_KEY = 'campaign-console.token';

export interface Session {
  token: string;
  /** The token's subject, when the token is a JWT that names one. */
  subject: string | undefined;
  /** The token's scopes; undefined when its claims cannot be read, and then every control is offered. */
  scopes: ReadonlySet<string> | undefined;
}

/**
 * A link printed at startup carries the token in the fragment (`#token=...`), which browsers never send to a
 * server; it is moved into sessionStorage and removed from the address bar and the history. True when one was.
 */
export function takeTokenFromFragment(): boolean {
  const match = /^#token=([^&]+)/.exec(location.hash);
  if (!match) return false;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]!));
  history.replaceState(null, '', `${location.pathname}#/`);
  return true;
}

export function currentSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token === null ? undefined : sessionOf(token);
}

export function signIn(token: string): Session {
  sessionStorage.setItem(TOKEN_KEY, token);
  return sessionOf(token);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export function mayUse(session: Session, scope: string): boolean {
  return session.scopes === undefined || session.scopes.has(scope);
}

function sessionOf(token: string): Session {
  const claims = claimsOf(token);
  return {
    token,
    subject: typeof claims?.sub === 'string' ? claims.sub : undefined,
    scopes: claims === undefined ? undefined : scopesOf(claims),
  };
}
