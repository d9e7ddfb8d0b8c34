import type * as fc from 'fast-check';

/**
 * fast-check parameters for the property suites: `runs` by default, PROPERTY_RUNS for longer runs and
 * PROPERTY_SEED (with PROPERTY_PATH) to replay a failure; fast-check prints both when a property fails.
 */
export function propertyParameters(runs: number): fc.Parameters<unknown> {
  const seed = process.env.PROPERTY_SEED;
  const path = process.env.PROPERTY_PATH;
  return {
    numRuns: Number(process.env.PROPERTY_RUNS ?? runs),
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path } : {}),
    verbose: 1,
  };
}

/** The mocha timeout a property of `runs` requests needs, scaled when PROPERTY_RUNS asks for more. */
export function propertyTimeout(runs: number, msPerRun: number): number {
  return 30_000 + Number(process.env.PROPERTY_RUNS ?? runs) * msPerRun;
}
