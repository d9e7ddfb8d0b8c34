import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ALL_SCOPES } from './principal.js';

export interface MintOptions {
  secret: string;
  subject?: string;
  scopes?: readonly string[];
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

/** What a service's configuration asks of every token it takes: its `iss` and `aud`, when it checks them. */
export interface TokenRequirements {
  issuer: string | undefined;
  audience: string | undefined;
}

/**
 * The longest lifetime a token minted now can have: its `exp` must be a whole number of seconds the service can
 * read exactly (at most 2^53 − 1), or the service refuses it.
 */
export function longestTtlSeconds(nowMs = Date.now()): number {
  return Number.MAX_SAFE_INTEGER - Math.floor(nowMs / 1000);
}

/** An HS256 token for development and tests; production tokens come from the identity provider. */
export function mintToken(options: MintOptions): Promise<string> {
  let jwt = new SignJWT({ scope: (options.scopes ?? ALL_SCOPES).join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject ?? 'developer')
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSeconds ?? 3600}s`);
  if (options.issuer !== undefined) jwt = jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

/** A token a service configured with `required` takes: it carries the issuer and audience that service checks. */
export function mintTokenFor(
  required: TokenRequirements,
  options: Omit<MintOptions, 'issuer' | 'audience'>,
): Promise<string> {
  return mintToken({ ...options, issuer: required.issuer, audience: required.audience });
}
