import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_POSTGRES_URL } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { type Exit, runToExit } from '../../support/run-to-exit.js';

async function run(script: string, env: Record<string, string>): Promise<Exit> {
  const dataDir = mkdtempSync(join(tmpdir(), 'campaigns-startup-'));
  try {
    return await runToExit(script, { DATA_DIR: dataDir, SCHEDULER: 'off', ...env }, { cwd: dataDir });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Exit 1, every line JSON, no stack trace, and one line at level fatal naming `setting` and the cause. */
function expectFatalLineNaming(result: Exit, setting: string, cause: RegExp): void {
  const output = result.lines.join('\n');
  expect(result.code, output).to.equal(1);
  expect(output, output).not.to.match(/^\s+at /m);
  const lines = result.lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON log line: ${line}\n${output}`);
    }
  });
  const fatal = lines.filter((line) => line.level === 60);
  expect(fatal, output).to.have.length(1);
  expect(fatal[0], output).to.include({ setting });
  expect(fatal[0]!.error, output).to.match(cause);
}

describe('A service that cannot start', () => {
  let unreachable: string;
  before(async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.port = String(await closedPort());
    unreachable = url.toString();
  });

  it('says in one JSON line, naming DATABASE_URL, that PostgreSQL does not answer, and exits 1', async () => {
    expectFatalLineNaming(await run('main.js', { DATABASE_URL: unreachable }), 'DATABASE_URL', /ECONNREFUSED/);
  });

  it('says the same when PostgreSQL refuses the user', async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.username = 'no_such_role_for_campaigns';
    expectFatalLineNaming(
      await run('main.js', { DATABASE_URL: url.toString() }),
      'DATABASE_URL',
      /no_such_role_for_campaigns/,
    );
  });

  it('names HOST when the address cannot be listened on', async () => {
    expectFatalLineNaming(await run('main.js', { HOST: 'no-such-host.invalid' }), 'HOST', /ENOTFOUND|EAI_AGAIN/);
    expectFatalLineNaming(await run('main.js', { HOST: '192.0.2.1' }), 'HOST', /EADDRNOTAVAIL/);
  });

  it('names DATA_DIR when the development secret cannot be kept there', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'campaigns-startup-')), 'a-file');
    writeFileSync(file, '');
    const result = await run('main.js', { AUTH_JWT_SECRET: '', DATA_DIR: file, DATABASE_URL: 'sqlite::memory:' });
    expectFatalLineNaming(result, 'DATA_DIR', /ENOTDIR/);
  });

  it('names DATA_DIR when the system will not make that directory, rather than waiting for ever', async () => {
    const result = await run('main.js', {
      AUTH_JWT_SECRET: '',
      DATA_DIR: '/proc/1/campaigns',
      DATABASE_URL: 'sqlite::memory:',
    });
    expectFatalLineNaming(result, 'DATA_DIR', /ENOENT/);
  });

  it('names DATABASE_URL from npm run relay too, in one line on stderr, and exits 1', async () => {
    const result = await run('cli/relay.js', { DATABASE_URL: unreachable, KAFKA_BROKERS: '127.0.0.1:9' });
    expect(result.code, result.lines.join('\n')).to.equal(1);
    const said = result.lines.filter((line) => !line.startsWith('{'));
    expect(said, result.lines.join('\n')).to.have.length(1);
    expect(said[0])
      .to.match(/DATABASE_URL/)
      .and.to.match(/ECONNREFUSED/);
    expect(result.lines.join('\n')).not.to.match(/^\s+at /m);
  });
});
