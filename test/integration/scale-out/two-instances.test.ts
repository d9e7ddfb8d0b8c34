import { mintToken } from '../../../src/adapters/auth/token-minter.js';
import { POSTGRES, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { ServiceProcess } from '../../support/service-process.js';
import { inDays, TEST_SECRET } from '../../support/test-service.js';

describe('Two service instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let instances: ServiceProcess[];
  let token: string;

  before(async () => {
    database = await POSTGRES.create();
    const env = { ...database.env, AUTH_JWT_SECRET: TEST_SECRET, SCHEDULER: 'off', OUTBOX_RELAY: 'off', LOG_LEVEL: 'warn' };
    const first = await ServiceProcess.start({ ...env, LOG_LEVEL: 'info' });
    const second = await ServiceProcess.start({ ...env, LOG_LEVEL: 'info' });
    instances = [first, second];
    token = await mintToken({ secret: TEST_SECRET, subject: 'scale-test' });
  });
  after(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await database.drop();
  });

  const call = (instance: ServiceProcess, method: string, path: string, body?: unknown) =>
    fetch(`${instance.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  it('gives exactly one 200 to 200 concurrent starts of one campaign spread over both, and one outbox row', async () => {
    const created = await call(instances[0]!, 'POST', '/api/v1/campaigns', { name: 'Both', startAt: inDays(1), endAt: inDays(2) });
    const { id } = (await created.json()) as { id: string };
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, n) => call(instances[n % 2]!, 'POST', `/api/v1/campaigns/${id}/start`).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).to.have.length(1);
    expect(statuses.filter((s) => s === 409)).to.have.length(199);
    const outbox = await (await import('knex')).default({ client: 'pg', connection: database.env.DATABASE_URL!, searchPath: [database.env.DATABASE_SCHEMA!] });
    try {
      const rows = await outbox('outbox').where('aggregate_id', id);
      expect(rows).to.have.length(1);
    } finally {
      await outbox.destroy();
    }
  });

  it('shows a campaign created through one instance through the other, id exact', async () => {
    const created = await call(instances[0]!, 'POST', '/api/v1/campaigns', { id: '9007199254740993', name: 'Exact' });
    expect(created.status).to.equal(200);
    const got = await call(instances[1]!, 'GET', '/api/v1/campaigns/9007199254740993');
    expect(((await got.json()) as { id: string }).id).to.equal('9007199254740993');
  });
});
