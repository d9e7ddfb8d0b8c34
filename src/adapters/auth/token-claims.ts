import type { JWTPayload } from 'jose';
import { ACTOR_MAX_LENGTH } from '../../domain/index.js';
import { storableTextProblem } from '../../domain/storable-text.js';
import { type Principal, ROLE_SCOPES } from './principal.js';

/**
 * Why a verified token's claims still cannot be accepted; undefined when they can. A token issued later than now
 * (beyond the clock tolerance) is not taken: jose checks `iat` only against a maximum age, which the service sets
 * none of.
 */
export function claimProblem(payload: JWTPayload, nowMs: number, toleranceSeconds: number): string | undefined {
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const value = payload[claim];
    if (value === undefined && claim !== 'exp') continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      return `the token's ${claim} claim must be a whole number of seconds since the epoch`;
    }
  }
  if (payload.iat !== undefined && payload.iat * 1000 > nowMs + toleranceSeconds * 1000) {
    return "the token's iat claim is not accepted: it was issued after now";
  }
  return subjectProblem(payload.sub);
}

/**
 * The subject is recorded with every change (`createdBy`, `updatedBy`, the owner of idempotency keys), so it
 * names someone (not only white space) and passes the rules of every stored text: at most 255 code points, no
 * control characters, no unpaired surrogate.
 */
export function subjectProblem(sub: unknown): string | undefined {
  if (typeof sub !== 'string' || sub.trim() === '') return 'the token has no subject (sub)';
  const problem = storableTextProblem(sub, ACTOR_MAX_LENGTH);
  return problem === undefined ? undefined : `the token's subject (sub) ${problem}`;
}

export function principalOf(payload: JWTPayload): Principal {
  return {
    subject: payload.sub as string,
    scopes: new Set(scopesOf(payload).flatMap((scope) => ROLE_SCOPES.get(scope) ?? [scope])),
  };
}

/** The scopes of both claims that carry them: `scope` (RFC 8693) and `scp` (Azure AD, Okta, ...), in either form. */
function scopesOf(payload: JWTPayload): string[] {
  const { scope, scp } = payload as { scope?: unknown; scp?: unknown };
  return [...scopesIn(scope), ...scopesIn(scp)];
}

/** A space-separated string or an array of strings, as issuers write either claim; anything else grants none. */
function scopesIn(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  if (Array.isArray(claim) && claim.every((scope) => typeof scope === 'string')) return claim;
  return [];
}
