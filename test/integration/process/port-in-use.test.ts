import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../../support/expect.js';
import { type Exit, runToExit } from '../../support/run-to-exit.js';

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
});
