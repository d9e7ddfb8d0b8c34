import {
  createRemoteJWKSet,
  type ExportedJWKSCache,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwksCache,
  jwtVerify,
} from 'jose';
import { isCanonicalCompactToken } from './compact-token.js';
import type { Principal } from './principal.js';
import { claimProblem, principalOf } from './token-claims.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export interface VerificationRules {
  issuer: string | undefined;
  audience: string | undefined;
  clockToleranceSeconds: number;
}

export type VerificationKey =
  | { kind: 'secret'; secret: string }
  /** `cooldownMs`: how long after reading the set a token naming a key not in it waits to make it read again (30 s). */
  | { kind: 'jwks'; jwksUrl: URL; cooldownMs?: number };

export class TokenRejected extends Error {}

/** The key set that verifies tokens could not be had (unreachable, slow, not a key set): the service's fault, not the token's. */
export class KeySetUnavailable extends Error {}

/** Told when fetching the key set starts failing (with why) and when it works again; never twice in a row alike. */
export type KeySetReport = (problem: string | undefined) => void;

/**
 * How long a token that verified is taken without being verified again, at most: as long as the key set is kept
 * before it is fetched again (jose's `cacheMaxAge`), so that a key taken out of the set stops verifying tokens
 * within it even when every request brings a token verified before.
 */
export const VERIFIED_AT_MOST_MS = 10 * 60_000;

/**
 * Verifies bearer JWTs. A token that verified once is remembered until it expires or for VERIFIED_AT_MOST_MS,
 * whichever comes first, so a client that reuses its token pays for the signature check once in that time, not
 * on every request. When the key set is read again, the tokens of keys no longer in it are forgotten at once.
 */
export class TokenVerifier {
  private readonly key: Uint8Array | RemoteKeys;
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
      this.key = remoteKeySet(key, report, (keyIds) => this.verified.forgetAllBut((keyId) => keyIds.has(keyId)));
      this.algorithms = ['RS256', 'ES256'];
    }
  }

  async verify(token: string, nowMs = Date.now()): Promise<Principal> {
    const known = this.verified.get(token, nowMs);
    if (known !== undefined) return known;
    if (!isCanonicalCompactToken(token)) throw new TokenRejected(MALFORMED);
    const { payload, keyId } = await this.verifySignatureAndClaims(token, nowMs);
    const problem = claimProblem(payload, nowMs, this.rules.clockToleranceSeconds);
    if (problem !== undefined) throw new TokenRejected(problem);
    const principal = principalOf(payload);
    const expiresAtMs = ((payload.exp as number) + this.rules.clockToleranceSeconds) * 1000;
    this.verified.set(token, principal, Math.min(expiresAtMs, nowMs + VERIFIED_AT_MOST_MS), nowMs, keyId);
    return principal;
  }

  private async verifySignatureAndClaims(
    token: string,
    nowMs: number,
  ): Promise<{ payload: JWTPayload; keyId: string | undefined }> {
    try {
      const options = {
        currentDate: new Date(nowMs),
        algorithms: this.algorithms,
        clockTolerance: this.rules.clockToleranceSeconds,
        requiredClaims: ['exp'],
        ...(this.rules.issuer !== undefined ? { issuer: this.rules.issuer } : {}),
        ...(this.rules.audience !== undefined ? { audience: this.rules.audience } : {}),
      };
      const { payload, protectedHeader } =
        this.key instanceof Uint8Array
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options);
      return { payload, keyId: protectedHeader.kid };
    } catch (error) {
      if (error instanceof KeySetUnavailable) throw error;
      throw new TokenRejected(describe(error));
    }
  }
}

type RemoteKeys = JWTVerifyGetKey;

/**
 * The keys of the set at `jwksUrl`, fetched and kept by jose. A token naming no key of a set that was read is the
 * token's problem; any other failure (no answer, a timeout, another status than 200, no key set in the body) is
 * the key set's, and `report` hears of it when it starts and when it ends. Each time the set has been read
 * again, `reread` is told the ids (`kid`) of the keys it holds (undefined for a key without one).
 */
function remoteKeySet(
  { jwksUrl, cooldownMs }: { jwksUrl: URL; cooldownMs?: number },
  report: KeySetReport,
  reread: (keyIds: ReadonlySet<string | undefined>) => void,
): RemoteKeys {
  // jose writes the set it read and when into this object each time it has read it.
  const fetched: Partial<ExportedJWKSCache> = {};
  const keys = createRemoteJWKSet(jwksUrl, {
    [jwksCache]: fetched as Record<string, never>,
    cacheMaxAge: VERIFIED_AT_MOST_MS,
    ...(cooldownMs !== undefined ? { cooldownDuration: cooldownMs } : {}),
  });
  let readAt = fetched.uat;
  const readAgain = () => {
    if (fetched.uat === readAt) return;
    readAt = fetched.uat;
    reread(new Set((fetched.jwks?.keys ?? []).map((key) => key.kid)));
  };
  let failing = false;
  const tell = (problem: string | undefined) => {
    if (failing === (problem !== undefined)) return;
    failing = problem !== undefined;
    report(problem);
  };
  return async (header, token) => {
    try {
      const key = await keys(header, token);
      readAgain();
      tell(undefined);
      return key;
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        readAgain();
        tell(undefined);
        throw error;
      }
      const problem = error instanceof Error ? error.message : String(error);
      tell(problem);
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
