import { once } from 'node:events';
import { SQLITE, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { ServiceProcess } from '../../support/service-process.js';
import { TEST_SECRET } from '../../support/test-service.js';

const SHUTDOWN_TIMEOUT_MS = 2_000;

/** The exit code, or 'still running' when the process has not exited within `ms`. */
async function exitWithin(service: ServiceProcess, ms: number): Promise<number | null | 'still running'> {
  const { child } = service;
  if (child.exitCode !== null) return child.exitCode;
  const timer = new Promise<'still running'>((resolve) => setTimeout(resolve, ms, 'still running'));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return Promise.race([exited, timer]);
}

describe('The service process once what read its stdout has gone (a log collector that died)', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeEach(async () => {
    database = await SQLITE.create();
  });
  afterEach(async () => {
    service?.kill();
    await database.drop();
  });

  for (const mode of ['development', 'with a secret'] as const) {
    it(`still stops on SIGTERM and exits, within SHUTDOWN_TIMEOUT_MS (${mode})`, async () => {
      service = await ServiceProcess.start({
        ...database.env,
        ...(mode === 'with a secret' ? { AUTH_JWT_SECRET: TEST_SECRET } : {}),
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        SCHEDULER: 'off',
      });
      // Whatever the service writes from now on finds no reader: its writes fail with EPIPE.
      service.child.stdout.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      service.child.kill('SIGTERM');

      const code = await exitWithin(service, SHUTDOWN_TIMEOUT_MS + 3_000);
      expect(code, service.output.join('')).to.be.oneOf([0, 1]);
    });
  }
});
