import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ACTOR_MAX_LENGTH } from '../../domain/index.js';
import { storableTextProblem } from '../../domain/storable-text.js';
import type { Principal } from './principal.js';

export interface VerificationRules {
  issuer: string | undefined;
  audience: string | undefined;
  clockToleranceSeconds: number;
}

export type VerificationKey = { kind: 'secret'; secret: string } | { kind: 'jwks'; jwksUrl: URL };

export class TokenRejected extends Error {}

const CACHE_LIMIT = 10_000;

/**
 * Verifies bearer JWTs. A token that verified once is remembered until it expires, so a client that
 * reuses its token pays for the signature check once, not on every request.
 */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(
    key: VerificationKey,
    private readonly rules: VerificationRules,
  ) {
    if (key.kind === 'secret') {
      this.key = new TextEncoder().encode(key.secret);
      this.algorithms = ['HS256'];
    } else {
      this.key = createRemoteJWKSet(key.jwksUrl);
      this.algorithms = ['RS256', 'ES256'];
    }
  }

  async verify(token: string, nowMs = Date.now()): Promise<Principal> {
    const known = this.verified.get(token);
    if (known !== undefined && nowMs < known.expiresAtMs) return known.principal;
    const payload = await this.verifySignatureAndClaims(token);
    const principal = toPrincipal(payload);
    this.remember(token, principal, (payload.exp as number) * 1000 + this.rules.clockToleranceSeconds * 1000);
    return principal;
  }

  private async verifySignatureAndClaims(token: string): Promise<JWTPayload> {
    try {
      const options = {
        algorithms: this.algorithms,
        clockTolerance: this.rules.clockToleranceSeconds,
        requiredClaims: ['exp'],
        ...(this.rules.issuer !== undefined ? { issuer: this.rules.issuer } : {}),
        ...(this.rules.audience !== undefined ? { audience: this.rules.audience } : {}),
      };
      const { payload } =
        this.key instanceof Uint8Array
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options);
      return payload;
    } catch (error) {
      throw new TokenRejected(describe(error));
    }
  }

  private remember(token: string, principal: Principal, expiresAtMs: number): void {
    if (this.verified.size >= CACHE_LIMIT) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, { principal, expiresAtMs });
  }
}

function toPrincipal(payload: JWTPayload): Principal {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenRejected('the token has no subject (sub)');
  const subjectProblem = storableTextProblem(payload.sub, ACTOR_MAX_LENGTH);
  if (subjectProblem !== undefined) throw new TokenRejected(`the token's subject (sub) ${subjectProblem}`);
  return { subject: payload.sub, scopes: new Set(scopesOf(payload)) };
}

function scopesOf(payload: JWTPayload): string[] {
  const { scope, scp } = payload as { scope?: unknown; scp?: unknown };
  const fromScope = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
  const fromScp = Array.isArray(scp) ? scp.filter((s): s is string => typeof s === 'string') : [];
  return [...fromScope, ...fromScp];
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm that is not accepted';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no known key matches the token';
  if (error instanceof errors.JOSEError) return 'the token is malformed or cannot be verified';
  return 'the token cannot be verified';
}
