import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { mintToken } from '../../../src/adapters/auth/token-minter.js';
import { expect } from '../../support/expect.js';
import { type Exit, runToExit } from '../../support/run-to-exit.js';
import { ServiceProcess } from '../../support/service-process.js';
import { TEST_SECRET } from '../../support/test-service.js';

async function occupyAPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no port');
  return { server, port: address.port };
}

function runServiceOn(port: number, dataDir: string): Promise<Exit> {
  return runToExit('main.js', { PORT: String(port), DATA_DIR: dataDir, SCHEDULER: 'off' }, { cwd: dataDir });
}

describe('The service started on a port that is already in use', () => {
  let dataDir: string;
  let occupied: { server: Server; port: number };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'campaigns-port-in-use-'));
    occupied = await occupyAPort();
  });
  afterEach(() => {
    occupied.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says in one line that the port is in use and how to choose another, and exits 1', async () => {
    const run = await runServiceOn(occupied.port, dataDir);

    expect(run.code, run.stdout + run.stderr).to.equal(1);
    expect(run.stderr).to.equal(`port ${occupied.port} is in use: set PORT\n`);
    expect(run.stdout, run.stdout).not.to.match(/EADDRINUSE| {4}at /);
  });
  it('leaves no trace: no data directory, development secret or database is made', async () => {
    const unmade = join(dataDir, 'data');
    // No secret: development mode, which keeps its secret in the data directory.
    const run = await runToExit(
      'main.js',
      { PORT: String(occupied.port), DATA_DIR: unmade, AUTH_JWT_SECRET: '' },
      { cwd: dataDir },
    );

    expect(run.code, run.stdout + run.stderr).to.equal(1);
    expect(existsSync(unmade), 'the data directory').to.equal(false);
    expect(readdirSync(dataDir)).to.deep.equal([]);
  });
  it('stops before it runs anything: a campaign due meanwhile is left to the instance that holds the port', async () => {
    const first = await ServiceProcess.start({ DATA_DIR: dataDir, AUTH_JWT_SECRET: TEST_SECRET, SCHEDULER: 'off' });
    const token = await mintToken({ secret: TEST_SECRET, subject: 'port-test' });
    const startAt = new Date(Date.now() + 1_000).toISOString();
    const created = await fetch(`${first.url}/api/v1/campaigns?view=service`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Due', startAt }),
    });
    const { id } = (await created.json()) as { id: string };
    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, Date.parse(startAt) + 100 - Date.now()));

    const run = await runToExit(
      'main.js',
      { PORT: String(occupied.port), DATA_DIR: dataDir, AUTH_JWT_SECRET: TEST_SECRET, SCHEDULER: 'on' },
      { cwd: dataDir },
    );
    expect(run.code, run.stdout + run.stderr).to.equal(1);
    expect(run.stderr).to.equal(`port ${occupied.port} is in use: set PORT\n`);
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename: join(dataDir, 'campaigns.sqlite') },
      useNullAsDefault: true,
    });
    try {
      const row = await db('campaigns').where('id', id).first();
      expect(row.status).to.equal('scheduled');
      expect(await db('outbox').count({ n: '*' }).first()).to.deep.include({ n: 0 });
    } finally {
      await db.destroy();
    }
  });
});
