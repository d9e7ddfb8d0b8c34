import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from '../../support/expect.js';

const run = promisify(execFile);
const KAFKA_SCRIPT = fileURLToPath(new URL('../../../../scripts/kafka.sh', import.meta.url));

/** A stand-in for Maven that takes a while, counts its runs and leaves one jar where it is asked to. */
const SLOW_MVN = `#!/usr/bin/env bash
echo run >>"$MVN_RUNS"
sleep 1
for arg in "$@"; do case "$arg" in -DoutputDirectory=*) out="\${arg#-DoutputDirectory=}" ;; esac; done
mkdir -p "$out" && echo jar >"$out/kafka.jar"
`;

describe('scripts/kafka.sh and the jar cache that clones share', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kafka-jar-cache-'));
    await writeFile(join(dir, 'mvn'), SLOW_MVN);
    await chmod(join(dir, 'mvn'), 0o755);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('fetches the jars once when several clones start at the same moment, and leaves them in place', async () => {
    const env = {
      ...process.env,
      PATH: `${dir}:${process.env.PATH}`,
      MVN_RUNS: join(dir, 'runs'),
      KAFKA_HOME_DIR: join(dir, 'cache'),
    };
    const fetches = [1, 2, 3].map((clone) =>
      run('bash', [KAFKA_SCRIPT, 'fetch'], { env: { ...env, KAFKA_DATA_DIR: join(dir, `clone-${clone}`) } }),
    );
    await Promise.all(fetches);
    expect((await readFile(join(dir, 'runs'), 'utf8')).trim().split('\n')).to.have.length(1);
    expect(await readdir(join(dir, 'cache', 'libs'))).to.deep.equal(['kafka.jar']);
  });
});
