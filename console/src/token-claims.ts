/** The JWT's claims, read only to decide which controls to offer; the service verifies the token on every call. */
export function claimsOf(token: string): Record<string, unknown> | undefined {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))),
    );
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The scopes the claims grant, read as the service reads them: those of `scope` and of `scp` together, each claim a
 * space-separated string or an array of strings. A claim in any other form grants none.
 */
export function scopesOf(claims: Record<string, unknown>): Set<string> {
  return new Set([...scopesIn(claims.scope), ...scopesIn(claims.scp)]);
}

function scopesIn(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  if (Array.isArray(claim) && claim.every((scope) => typeof scope === 'string')) return claim;
  return [];
}
