import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { isCanonicalCompactToken } from './compact-token.js';
import type { Principal } from './principal.js';
import { claimProblem, principalOf } from './token-claims.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export interface VerificationRules {
  issuer: string | undefined;
  audience: string | undefined;
  clockToleranceSeconds: number;
}

export type VerificationKey = { kind: 'secret'; secret: string } | { kind: 'jwks'; jwksUrl: URL };

export class TokenRejected extends Error {}

/** The key set that verifies tokens could not be had (unreachable, slow, not a key set): the service's fault, not the token's. */
export class KeySetUnavailable extends Error {}

/** Told when fetching the key set starts failing (with why) and when it works again; never twice in a row alike. */
export type KeySetReport = (problem: string | undefined) => void;

/**
 * Verifies bearer JWTs. A token that verified once is remembered until it expires, so a client that
 * reuses its token pays for the signature check once, not on every request.
 */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(
    key: VerificationKey,
    private readonly rules: VerificationRules,
    readonly verified = new VerifiedTokenCache(),
    report: KeySetReport = () => undefined,
  ) {
    if (key.kind === 'secret') {
      this.key = new TextEncoder().encode(key.secret);
      this.algorithms = ['HS256'];
    } else {
      this.key = remoteKeySet(key.jwksUrl, report);
      this.algorithms = ['RS256', 'ES256'];
    }
  }

  async verify(token: string, nowMs = Date.now()): Promise<Principal> {
    const known = this.verified.get(token, nowMs);
    if (known !== undefined) return known;
    if (!isCanonicalCompactToken(token)) throw new TokenRejected(MALFORMED);
    const payload = await this.verifySignatureAndClaims(token, nowMs);
    const problem = claimProblem(payload);
    if (problem !== undefined) throw new TokenRejected(problem);
    const principal = principalOf(payload);
    this.verified.set(token, principal, ((payload.exp as number) + this.rules.clockToleranceSeconds) * 1000, nowMs);
    return principal;
  }

  private async verifySignatureAndClaims(token: string, nowMs: number): Promise<JWTPayload> {
    try {
      const options = {
        currentDate: new Date(nowMs),
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
      if (error instanceof KeySetUnavailable) throw error;
      throw new TokenRejected(describe(error));
    }
  }
}

/**
 * The keys of the set at `url`, fetched and kept by jose. A token naming no key of a set that was read is the
 * token's problem; any other failure (no answer, a timeout, another status than 200, no key set in the body) is
 * the key set's, and `report` hears of it when it starts and when it ends.
 */
function remoteKeySet(url: URL, report: KeySetReport): JWTVerifyGetKey {
  const keys = createRemoteJWKSet(url);
  let failing = false;
  const fetched = (problem: string | undefined) => {
    if (failing === (problem !== undefined)) return;
    failing = problem !== undefined;
    report(problem);
  };
  return async (header, token) => {
    try {
      const key = await keys(header, token);
      fetched(undefined);
      return key;
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        fetched(undefined);
        throw error;
      }
      const problem = error instanceof Error ? error.message : String(error);
      fetched(problem);
      throw new KeySetUnavailable(problem);
    }
  };
}

const MALFORMED = 'the token is malformed or cannot be verified';

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm that is not accepted';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no known key matches the token';
  if (error instanceof errors.JOSEError) return MALFORMED;
  return 'the token cannot be verified';
}
