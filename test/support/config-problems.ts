import { ConfigError, loadConfig } from '../../src/adapters/config/config.js';

/** What loadConfig refuses in `env`, one line a problem; none when it accepts it. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
