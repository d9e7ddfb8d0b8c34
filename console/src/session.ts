import { claimsOf, scopesOf } from './token-claims.js';

const TOKEN_KEY = 'campaign-console.token';

export interface Session {
  token: string;
  /** The token's subject, when the token is a JWT that names one. */
  subject: string | undefined;
  /** The token's scopes; undefined when its claims cannot be read, and then every control is offered. */
  scopes: ReadonlySet<string> | undefined;
}

/** RFC 6750's b64token: all an `Authorization: Bearer` header can carry. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The bearer token in text pasted or linked, without a `Bearer ` prefix and without white space (a copy wrapped
 * over lines); undefined when what is left is no bearer token, which no header could carry.
 */
export function bearerTokenIn(text: string): string | undefined {
  const token = text.replace(/^\s*Bearer\s+/i, '').replace(/\s+/g, '');
  return BEARER_TOKEN.test(token) ? token : undefined;
}

/** What the address's fragment brought: a token, something no header could carry, or no link at all. */
export type LinkedToken = { kind: 'token'; token: string } | { kind: 'unusable' } | { kind: 'none' };

/**
 * A link printed at startup carries the token in the fragment (`#token=...`), which browsers never send to a
 * server; it is removed from the address bar and the history at once, and kept nowhere until the console takes it
 * (`signIn`): a page that can reach this window may set its fragment too.
 */
export function tokenFromFragment(): LinkedToken {
  const match = /^#token=([^&]*)/.exec(location.hash);
  if (!match) return { kind: 'none' };
  history.replaceState(null, '', `${location.pathname}#/`);
  const token = bearerTokenIn(decodedOrAsIs(match[1]!));
  return token === undefined ? { kind: 'unusable' } : { kind: 'token', token };
}

/** The link's notice when its token was unusable. */
export const UNUSABLE_LINK =
  "The link's token is not a bearer token: one holds only letters, digits and - . _ ~ + / (and = at its end). Sign in with another.";

function decodedOrAsIs(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
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

/** The session a token would open, for showing before it is taken. */
export function sessionOf(token: string): Session {
  const claims = claimsOf(token);
  return {
    token,
    subject: typeof claims?.sub === 'string' ? claims.sub : undefined,
    scopes: claims === undefined ? undefined : scopesOf(claims),
  };
}
