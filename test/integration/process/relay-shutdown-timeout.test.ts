import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { RelayProcess } from '../../support/relay-process.js';

/** A broker address that takes connections and never answers, as a broker cut off mid-request leaves a client. */
async function silentBroker(): Promise<{ server: Server; port: number; connections: Socket[] }> {
  const connections: Socket[] = [];
  const server = createServer((socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, connections };
}

describe('`npm run relay` stopped while the broker does not answer', function () {
  this.timeout(30_000);
  let dataDir: string;
  let broker: Awaited<ReturnType<typeof silentBroker>>;
  let relay: RelayProcess | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'relay-shutdown-'));
    broker = await silentBroker();
  });
  afterEach(async () => {
    await relay?.kill();
    for (const socket of broker.connections) socket.destroy();
    await new Promise((resolve) => broker.server.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits 1 once SHUTDOWN_TIMEOUT_MS has passed, saying the shutdown timed out, as the service does', async () => {
    relay = RelayProcess.start('cli', {
      DATA_DIR: dataDir,
      KAFKA_BROKERS: `127.0.0.1:${broker.port}`,
      SHUTDOWN_TIMEOUT_MS: '500',
      LOG_LEVEL: 'info',
    });
    await eventually('the relay waits on the broker', () => broker.connections.length > 0, { timeoutMs: 15_000 });
    const stopped = Date.now();
    const exit = await relay.stop();
    expect(Date.now() - stopped).to.be.below(5_000);
    expect(exit.code).to.equal(1);
    expect(relay.output.join('')).to.match(/"msg":"shutdown timed out: exiting with work still open"/);
  });
});
