import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_POSTGRES_URL } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { type Exit, runToExit } from '../../support/run-to-exit.js';
import { MAIN } from '../../support/service-process.js';
import { TEST_SECRET } from '../../support/test-service.js';

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

/** A PostgreSQL address whose server takes each connection and never answers on it. */
async function silentServer(): Promise<{ url: string; held: Socket[]; close(): void }> {
  const held: Socket[] = [];
  const server = createServer((socket) => held.push(socket)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL(TEST_POSTGRES_URL);
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    held,
    close() {
      for (const socket of held) socket.destroy();
      server.close();
    },
  };
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

  it('says the same within seconds when PostgreSQL takes the connection and never answers', async () => {
    const silent = await silentServer();
    try {
      const began = Date.now();
      const result = await run('main.js', { DATABASE_URL: silent.url });
      expectFatalLineNaming(result, 'DATABASE_URL', /timeout/i);
      expect(Date.now() - began, 'long before the pool would give up (60 s)').to.be.below(12_000);
    } finally {
      silent.close();
    }
  });

  it('stops at a signal while waiting for a PostgreSQL that never answers, and exits 0 within its shutdown timeout', async () => {
    const silent = await silentServer();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        AUTH_JWT_SECRET: TEST_SECRET,
        DATABASE_URL: silent.url,
        SCHEDULER: 'off',
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await eventually('the service waits for its database', () => silent.held.length > 0);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, output).to.equal(0);
      expect(output).to.include('"msg":"stopped"').and.not.include('shutdown timed out');
    } finally {
      child.kill('SIGKILL');
      silent.close();
    }
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
    const dir = mkdtempSync(join(tmpdir(), 'campaigns-startup-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const DATABASE_URL = `sqlite:${join(dir, 'campaigns.sqlite')}`;
    const result = await run('main.js', { AUTH_JWT_SECRET: '', DATA_DIR: file, DATABASE_URL });
    expectFatalLineNaming(result, 'DATA_DIR', /ENOTDIR/);
  });

  it('names DATA_DIR when the system will not make that directory, rather than waiting for ever', async () => {
    const result = await run('main.js', {
      AUTH_JWT_SECRET: '',
      DATA_DIR: '/proc/1/campaigns',
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'campaigns-startup-')), 'campaigns.sqlite')}`,
    });
    expectFatalLineNaming(result, 'DATA_DIR', /ENOENT/);
  });

  it('leaves no data directory or development secret behind when its database cannot be used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'campaigns-startup-'));
    const notADatabase = join(dir, 'not-a-database.sqlite');
    writeFileSync(notADatabase, 'plain text, not SQLite');
    const refusingUser = new URL(TEST_POSTGRES_URL);
    refusingUser.username = 'no_such_role_for_campaigns';
    try {
      for (const DATABASE_URL of [unreachable, refusingUser.toString(), `sqlite:${notADatabase}`]) {
        const unmade = join(dir, 'data');
        const result = await runToExit(
          'main.js',
          { DATA_DIR: unmade, DATABASE_URL, AUTH_JWT_SECRET: '', SCHEDULER: 'off' },
          { cwd: dir },
        );
        expect(result.code, result.lines.join('\n')).to.equal(1);
        expect(existsSync(unmade), `${DATABASE_URL}: the data directory`).to.equal(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names DATA_DIR when the development secret kept there is empty, before it listens', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'campaigns-startup-'));
    writeFileSync(join(dataDir, 'dev-auth-secret'), '');
    try {
      const result = await runToExit(
        'main.js',
        { DATA_DIR: dataDir, AUTH_JWT_SECRET: '', SCHEDULER: 'off', PORT: '0' },
        { cwd: dataDir },
      );
      expectFatalLineNaming(result, 'DATA_DIR', /holds 0 bytes.*delete it/);
      expect(result.lines.join('\n')).not.to.include('listening');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
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
