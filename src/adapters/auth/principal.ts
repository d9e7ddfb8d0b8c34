export const SCOPES = {
  read: 'campaigns:read',
  write: 'campaigns:write',
  execute: 'campaigns:execute',
  terminate: 'campaigns:terminate',
} as const;

export const ALL_SCOPES: readonly string[] = Object.values(SCOPES);

/**
 * The roles of the original's console, as a migrating team's identity provider may still write them in a token's
 * scopes: each grants the scopes of what it allowed there, reading the campaigns it runs or stops included.
 */
export const ROLE_SCOPES: ReadonlyMap<string, readonly string[]> = new Map([
  ['campaigns-all', ALL_SCOPES],
  ['campaigns-execute', [SCOPES.read, SCOPES.execute]],
  ['campaigns-terminate', [SCOPES.read, SCOPES.terminate]],
]);

/** Who is calling, as the verified token says. */
export interface Principal {
  subject: string;
  scopes: ReadonlySet<string>;
}
