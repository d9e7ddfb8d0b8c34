import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '../support/expect.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The places where the wall clock is what is meant: an instant compared with another instant of the wall clock
 * (a token's `exp`, a stored time, a file's modification time) or stamped into an id. Anywhere else, a span of
 * time (a deadline, a timeout, a quiet period, how long something lasted) is measured on `performance.now()`,
 * which a step of the system's clock does not move.
 */
const WALL_CLOCK_INSTANTS: Record<string, string> = {
  'src/adapters/auth/token-verifier.ts': "a token's exp and nbf are instants of the issuer's wall clock",
  'src/adapters/auth/token-minter.ts': 'the latest exp a token minted now can carry is an instant of the wall clock',
  'src/adapters/system/time-ordered-id-generator.ts': 'ids carry their moment of creation',
  'src/adapters/observability/service-metrics.ts': 'the age of the oldest waiting event, against its stored time',
  'src/adapters/persistence/migrations/migration-lock.ts': "a lock file's age, against its modification time",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('Spans of time', () => {
  it('are measured on the monotonic clock: Date.now() is read only where an instant of the wall clock is meant', () => {
    const readers = sourceFiles(join(root, 'src'))
      .filter((file) => /\bDate\.now\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(readers.filter((file) => WALL_CLOCK_INSTANTS[file] === undefined)).to.deep.equal([]);
  });
});
