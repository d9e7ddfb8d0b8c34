import type { JWTPayload } from 'jose';
import type { Principal } from './principal.js';

/** What the `created_by`/`updated_by` columns hold; a longer subject could not be recorded as given. */
export const SUBJECT_MAX_LENGTH = 255;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a verified token's claims still cannot be accepted; undefined when they can. */
export function claimProblem(payload: JWTPayload): string | undefined {
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const value = payload[claim];
    if (value === undefined && claim !== 'exp') continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      return `the token's ${claim} claim must be a whole number of seconds since the epoch`;
    }
  }
  return subjectProblem(payload.sub);
}

/**
 * The subject is recorded with every change, so it must be storable exactly on every database: 1 to 255
 * characters (UTF-16 code units), well-formed Unicode, no control characters.
 */
function subjectProblem(sub: unknown): string | undefined {
  if (typeof sub !== 'string' || sub === '') return 'the token has no subject (sub)';
  if (sub.length > SUBJECT_MAX_LENGTH) return `the token's subject (sub) is longer than ${SUBJECT_MAX_LENGTH} characters`;
  if (LONE_SURROGATE.test(sub) || /[\u0000-\u001f\u007f-\u009f]/.test(sub)) {
    return "the token's subject (sub) contains control characters or is not well-formed Unicode";
  }
  return undefined;
}

export function principalOf(payload: JWTPayload): Principal {
  return { subject: payload.sub as string, scopes: new Set(scopesOf(payload)) };
}

function scopesOf(payload: JWTPayload): string[] {
  const { scope, scp } = payload as { scope?: unknown; scp?: unknown };
  const fromScope = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
  const fromScp = Array.isArray(scp) ? scp.filter((s): s is string => typeof s === 'string') : [];
  return [...fromScope, ...fromScp];
}
