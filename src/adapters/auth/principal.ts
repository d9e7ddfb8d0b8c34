export const SCOPES = {
  read: 'campaigns:read',
  write: 'campaigns:write',
  execute: 'campaigns:execute',
  terminate: 'campaigns:terminate',
} as const;

export const ALL_SCOPES: readonly string[] = Object.values(SCOPES);

/** Who is calling, as the verified token says. */
export interface Principal {
  subject: string;
  scopes: ReadonlySet<string>;
}
