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
