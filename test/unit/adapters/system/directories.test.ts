import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const MODULE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../src/adapters/system/directories.js');

/** Runs makeDirectories in a process of its own, so that one that never ends is stopped: what it said, or undefined. */
function makeDirectoriesApart(path: string): string | undefined {
  const script = `import { makeDirectories } from ${JSON.stringify(MODULE)};
    try { makeDirectories(process.argv[1]); console.log('made'); } catch (error) { console.log(error.code ?? error.message); }`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, path], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

describe('Making a directory and its parents', function () {
  this.timeout(120_000);
  let root: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'campaigns-directories-'));
    writeFileSync(join(root, 'a-file'), '');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('ends for any path, having made the directory or said why not, under /proc and /sys too', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          () => root,
          () => '/proc/self',
          () => '/proc/1',
          () => '/sys',
          () => '/dev/null',
        ),
        fc.array(fc.constantFrom('a', 'b', 'a-file', '..', '.'), { minLength: 1, maxLength: 4 }),
        (base, parts) => {
          const path = join(base(), ...parts);
          const said = makeDirectoriesApart(path);
          expect(said, `${path}: did not end`).not.to.equal(undefined);
          if (said === 'made') expect(statSync(path).isDirectory(), path).to.equal(true);
          else expect(said, path).to.match(/^E[A-Z]+$/);
        },
      ),
      propertyParameters(40),
    );
  });
});
