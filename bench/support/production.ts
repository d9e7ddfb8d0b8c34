/**
 * A benchmark's service runs as in production: NODE_ENV=production (which also asks for a configured secret and
 * leaves out what only development and the tests keep, such as the group commit's guard on units).
 */
export function asInProduction(env: Record<string, string>): Record<string, string> {
  return { NODE_ENV: 'production', ...env };
}
