import { once } from 'node:events';
import { mintToken } from '../../../src/adapters/auth/token-minter.js';
import { POSTGRES, TEST_POSTGRES_URL, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { ServiceProcess } from '../../support/service-process.js';
import { SilenceableProxy } from '../../support/silenceable-proxy.js';
import { inDays, TEST_SECRET } from '../../support/test-service.js';

/** The exit of `service`, or 'still running' when it has not exited within `ms`. */
async function exitWithin(service: ServiceProcess, ms: number): Promise<{ code: number | null } | 'still running'> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode };
  const timer = new Promise<'still running'>((resolve) => setTimeout(resolve, ms, 'still running'));
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null }));
  return Promise.race([exited, timer]);
}

describe('A second signal while the service stops', function () {
  this.timeout(30_000);
  let proxy: SilenceableProxy;
  let database: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeEach(async () => {
    const target = new URL(TEST_POSTGRES_URL);
    proxy = await SilenceableProxy.start(target.hostname, Number(target.port || 5432));
    database = await POSTGRES.create();
  });
  afterEach(async () => {
    service?.kill();
    proxy.restore();
    await proxy.close();
    await database.drop();
  });

  const pairs: Array<[NodeJS.Signals, NodeJS.Signals]> = [
    ['SIGTERM', 'SIGINT'],
    ['SIGINT', 'SIGTERM'],
    ['SIGTERM', 'SIGTERM'],
  ];
  for (const [first, second] of pairs) {
    it(`ends it at once: ${first}, then ${second} while a request waits for the database`, async () => {
      service = await ServiceProcess.start({
        ...database.env,
        DATABASE_URL: proxy.in(TEST_POSTGRES_URL),
        AUTH_JWT_SECRET: TEST_SECRET,
        SCHEDULER: 'off',
        SHUTDOWN_TIMEOUT_MS: '600000',
      });
      proxy.silence();
      const token = await mintToken({ secret: TEST_SECRET, subject: 'second-signal' });
      const waiting = fetch(`${service.url}/api/v1/campaigns`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Held', startAt: inDays(1) }),
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      service.child.kill(first);
      expect(await exitWithin(service, 1_000), 'after the first signal').to.equal('still running');

      service.child.kill(second);
      const exit = await exitWithin(service, 2_000);
      expect(exit, service.output.join('')).not.to.equal('still running');
      await waiting;
    });
  }
});
