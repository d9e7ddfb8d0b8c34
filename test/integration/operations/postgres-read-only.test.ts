import { randomBytes } from 'node:crypto';
import knex from 'knex';
import pino from 'pino';
import { POSTGRES, TEST_POSTGRES_URL, type TestDatabase } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { TestService } from '../../support/test-service.js';

/**
 * A failover that leaves the service on a server that only reads (a standby, or a demoted primary) is played by a
 * login role of the service's own whose sessions begin read-only, and by closing its sessions as a failover does.
 */
describe('Requests while PostgreSQL takes reads only (a standby after a failover)', function () {
  this.timeout(60_000);
  const role = `service_${randomBytes(5).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: TEST_POSTGRES_URL, pool: { min: 0, max: 1 } });
  let database: TestDatabase;
  let service: TestService;
  let logs: LogLines;
  let kept: string;

  async function sessionsBegin(readOnly: boolean): Promise<void> {
    await admin.raw(`ALTER ROLE ${role} SET default_transaction_read_only = ${readOnly ? 'on' : 'off'}`);
    await admin.raw('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?', [role]);
  }

  const create = () => service.request('POST', '/api/v1/campaigns', { body: { name: 'Written after the failover' } });

  before(async () => {
    await admin.raw(`CREATE ROLE ${role} LOGIN SUPERUSER`);
    database = await POSTGRES.create();
    const url = new URL(TEST_POSTGRES_URL);
    url.username = role;
    logs = new LogLines();
    service = await TestService.start(POSTGRES, {
      database: { ...database, env: { ...database.env, DATABASE_URL: url.toString() } },
      logger: pino({ level: 'info' }, logs),
    });
    kept = await service.createCampaign();
    await sessionsBegin(true);
  });
  after(async () => {
    await service.stop();
    await database.drop();
    await admin.raw(`DROP ROLE IF EXISTS ${role}`);
    await admin.destroy();
  });

  it('answers a write 503 DATABASE_UNAVAILABLE with Retry-After, never 500, and stores nothing of it', async () => {
    for (let i = 0; i < 5; i++) {
      const answer = await create();
      expect(answer.status, answer.text).to.equal(503);
      expect(answer.body.code).to.equal('DATABASE_UNAVAILABLE');
      expect(answer.headers.get('retry-after')).to.equal('2');
    }
    const started = await service.request('POST', `/api/v1/campaigns/${kept}/start`);
    expect(started.status, started.text).to.equal(503);
    const list = await service.request('GET', '/api/v1/campaigns?view=service');
    expect(list.status).to.equal(200);
    expect(list.body.total).to.equal(1);
    expect(list.body.campaigns[0].status).to.equal('scheduled');
  });

  it('says degraded on readiness while writes are refused', async () => {
    const ready = await service.request('GET', '/health/ready', { token: null });
    expect(ready.status).to.equal(200);
    expect(ready.body.status).to.equal('degraded');
    expect(ready.body.database.writes).to.include({ status: 'failing' });
    // The class and SQLSTATE of what began the outage (a session ended by the failover, or the read-only refusal),
    // not PostgreSQL's message, which the log line has: readiness needs no token.
    expect(ready.body.database.writes.cause).to.be.oneOf(['error (25006)', 'error (57P01)']);
  });

  it('takes writes again on the new primary, and logged the outage once each way with no failed request', async () => {
    await sessionsBegin(false);
    await eventually('a write is taken again', async () => (await create()).status === 200);
    expect((await service.request('POST', `/api/v1/campaigns/${kept}/start`)).status).to.equal(200);
    expect(logs.lines.filter((line) => line.msg.startsWith('the database does not take writes:'))).to.have.length(1);
    expect(logs.withMessage('the database takes writes again')).to.have.length(1);
    expect(logs.withMessage('request failed')).to.deep.equal([]);
  });
});
