import fc from 'fast-check';

/**
 * Settings of the generated (fast-check) tests. Each suite runs a bounded number of cases by default, so the
 * whole `npm test` stays within minutes; PROPERTY_RUNS=<n> runs n cases in each instead, and
 * PROPERTY_SEED=<seed> (with PROPERTY_PATH=<path>) replays a reported failure. A failure prints its seed and
 * path and the smallest counterexample fast-check found.
 */
export function propertyParameters<T>(defaultRuns: number): fc.Parameters<T> {
  const runs = Number(process.env.PROPERTY_RUNS ?? defaultRuns);
  const seed = process.env.PROPERTY_SEED;
  const path = process.env.PROPERTY_PATH;
  return {
    numRuns: Number.isSafeInteger(runs) && runs > 0 ? runs : defaultRuns,
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path } : {}),
    reporter(details) {
      if (details.failed) {
        const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        throw new Error(
          `${fc.defaultReportMessage(details)}\n${cause}\nReplay with PROPERTY_SEED=${details.seed} PROPERTY_PATH=${details.counterexamplePath}`,
        );
      }
    },
  };
}

/** The mocha timeout of a generated suite: bounded for the default runs, none when PROPERTY_RUNS asks for more. */
export function propertyTimeoutMs(defaultMs: number): number {
  return process.env.PROPERTY_RUNS === undefined ? defaultMs : 0;
}
