import fc from 'fast-check';

/**
 * Settings of the generated (fast-check) tests. Each suite runs a bounded number of cases by default, so the
 * whole `npm test` stays within minutes; PROPERTY_RUNS=<n> runs n cases in each instead, and
 * PROPERTY_SEED=<seed> (with PROPERTY_PATH=<path>) replays a reported failure. A failure prints its seed and
 * path, the smallest counterexample fast-check found and what the property said about it.
 */
export function propertyParameters<T = unknown>(defaultRuns: number): fc.Parameters<T> {
  const runs = Number(process.env.PROPERTY_RUNS ?? defaultRuns);
  const seed = process.env.PROPERTY_SEED;
  const path = process.env.PROPERTY_PATH;
  return {
    numRuns: Number.isSafeInteger(runs) && runs > 0 ? runs : defaultRuns,
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path } : {}),
    verbose: 1,
    reporter(details) {
      if (details.failed) {
        const cause =
          details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        throw new Error(
          `${fc.defaultReportMessage(details)}\n${cause}\nReplay with PROPERTY_SEED=${details.seed} PROPERTY_PATH=${details.counterexamplePath}`,
        );
      }
    },
  };
}

/** The mocha timeout a property of `runs` requests needs, scaled when PROPERTY_RUNS asks for more. */
export function propertyTimeout(runs: number, msPerRun: number): number {
  return 30_000 + Number(process.env.PROPERTY_RUNS ?? runs) * msPerRun;
}

/** The mocha timeout of a generated suite: bounded for the default runs, none when PROPERTY_RUNS asks for more. */
export function propertyTimeoutMs(defaultMs: number): number {
  return process.env.PROPERTY_RUNS === undefined ? defaultMs : 0;
}
