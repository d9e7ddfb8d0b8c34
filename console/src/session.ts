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

/**
 * A link printed at startup carries the token in the fragment (`#token=...`), which browsers never send to a
 * server; it is moved into sessionStorage and removed from the address bar and the history. `taken` when a token
 * was, `unusable` when the link's was no bearer token (it is dropped), `none` when there was no link.
 */
export function takeTokenFromFragment(): 'taken' | 'unusable' | 'none' {
  const match = /^#token=([^&]*)/.exec(location.hash);
  if (!match) return 'none';
  history.replaceState(null, '', `${location.pathname}#/`);
  const token = bearerTokenIn(decodedOrAsIs(match[1]!));
  if (token === undefined) {
    signOut();
    return 'unusable';
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  return 'taken';
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

function sessionOf(token: string): Session {
  const claims = claimsOf(token);
  return {
    token,
    subject: typeof claims?.sub === 'string' ? claims.sub : undefined,
    scopes: claims === undefined ? undefined : scopesOf(claims),
  };
}
