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
 * space-separated string or an array of strings, the original's roles standing for the scopes they grant. A claim in
 * any other form grants none.
 */
export function scopesOf(claims: Record<string, unknown>): Set<string> {
  const written = [...scopesIn(claims.scope), ...scopesIn(claims.scp)];
  return new Set(written.flatMap((scope) => ROLE_SCOPES.get(scope) ?? [scope]));
}

const ROLE_SCOPES: ReadonlyMap<string, readonly string[]> = new Map([
  ['campaigns-all', ['campaigns:read', 'campaigns:write', 'campaigns:execute', 'campaigns:terminate']],
  ['campaigns-execute', ['campaigns:read', 'campaigns:execute']],
  ['campaigns-terminate', ['campaigns:read', 'campaigns:terminate']],
]);

function scopesIn(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  if (Array.isArray(claim) && claim.every((scope) => typeof scope === 'string')) return claim;
  return [];
}
