import { POSTGRES, TEST_POSTGRES_URL, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { ServiceProcess } from '../../support/service-process.js';
import { SilenceableProxy } from '../../support/silenceable-proxy.js';
import { TEST_SECRET } from '../../support/test-service.js';

const DOWN_FOR_MS = 5_000;
const WARN = 40;

function jsonLines(output: readonly string[]): Array<Record<string, any>> {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

describe('The service while PostgreSQL refuses connections (node dist/src/main.js)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let proxy: SilenceableProxy;
  let service: ServiceProcess;

  before(async () => {
    database = await POSTGRES.create();
    const target = new URL(TEST_POSTGRES_URL);
    proxy = await SilenceableProxy.start(target.hostname, Number(target.port || 5432));
  });
  after(async () => {
    await service?.stop();
    await database.drop();
  });

  it('warns once about the connections it cannot make, not at every attempt of the scheduler, the relay and the probes', async () => {
    service = await ServiceProcess.start({
      ...database.env,
      DATABASE_URL: proxy.in(TEST_POSTGRES_URL),
      AUTH_JWT_SECRET: TEST_SECRET,
      SCHEDULER: 'on',
      SCHEDULER_INTERVAL_MS: '200',
    });
    const before = service.output.length;
    await proxy.close();
    const ends = Date.now() + DOWN_FOR_MS;
    let probes = 0;
    while (Date.now() < ends) {
      const ready = await fetch(`${service.url}/health/ready`);
      expect(ready.status).to.equal(503);
      probes++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const knexWarnings = jsonLines(service.output.slice(before)).filter(
      (line) => line.component === 'knex' && line.level === WARN,
    );
    expect(probes).to.be.above(20);
    // Each of its two pools (requests, probes) says it once; a connection cut as the database went says so once.
    const times = new Map<string, number>();
    for (const { msg } of knexWarnings) times.set(msg, (times.get(msg) ?? 0) + 1);
    expect([...times.keys()].some((msg) => /^Acquire connection error: .*ECONNREFUSED/.test(msg))).to.equal(true);
    for (const [msg, n] of times) expect(n, msg).to.be.at.most(2);
    expect(knexWarnings.length, JSON.stringify(knexWarnings)).to.be.at.most(4);
  });
});
