import pino from 'pino';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { TestService } from '../../support/test-service.js';

/** A message of 16 KiB: a campaign that needs pages the database does not have yet. */
const LARGE_MESSAGE = 'x'.repeat(16 * 1024);

describe('Requests while SQLite refuses to grow its file (a full disk)', () => {
  let service: TestService;
  let logs: LogLines;
  let kept: string;

  const create = () =>
    service.request('POST', '/api/v1/campaigns', {
      body: {
        name: 'Too big for the disk',
        campaignMessages: [{ name: 'Sale', message: LARGE_MESSAGE, application: { appId: '1464041244280' } }],
      },
    });

  before(async () => {
    logs = new LogLines();
    service = await TestService.start(SQLITE, { logger: pino({ level: 'info' }, logs) });
    kept = await service.createCampaign();
    // SQLite answers SQLITE_FULL, as on a full disk, once the file would need a page beyond this count.
    const [{ page_count: pages }] = await service.db.raw('PRAGMA page_count');
    await service.db.raw(`PRAGMA max_page_count = ${pages}`);
  });
  after(() => service.stop());

  it('answers a write 503 DATABASE_UNAVAILABLE with Retry-After, and stores nothing of it', async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await create();
      expect(answer.status, answer.text).to.equal(503);
      expect(answer.body.code).to.equal('DATABASE_UNAVAILABLE');
      expect(answer.headers.get('retry-after')).to.equal('2');
    }
    const list = await service.request('GET', '/api/v1/campaigns?view=service');
    expect(list.body.total).to.equal(1);
  });

  it('refuses what it would refuse anyway as before, which does not end the outage', async () => {
    const answer = await service.request('POST', '/api/v1/campaigns/1/start');
    expect(answer.status).to.equal(404);
    const ready = await service.request('GET', '/health/ready', { token: null });
    expect(ready.body.database.writes).to.include({ status: 'failing', refused: 3 });
  });

  it('keeps answering reads', async () => {
    expect((await service.request('GET', `/api/v1/campaigns/${kept}`)).status).to.equal(200);
    expect((await service.request('GET', '/api/v1/campaigns')).status).to.equal(200);
  });

  it('says degraded on readiness while writes are refused, with since when, how many and why', async () => {
    const ready = await service.request('GET', '/health/ready', { token: null });
    expect(ready.status).to.equal(200);
    expect(ready.body.status).to.equal('degraded');
    expect(ready.body.database).to.include({ status: 'up' });
    expect(ready.body.database.writes).to.include({ status: 'failing', refused: 3 });
    expect(ready.body.database.writes.cause).to.include('SQLITE_FULL');
  });

  it('takes writes again once the file may grow, is ready again, and logged the outage once each way', async () => {
    await service.db.raw('PRAGMA max_page_count = 1073741823');
    const answer = await create();
    expect(answer.status, answer.text).to.equal(200);
    const ready = await service.request('GET', '/health/ready', { token: null });
    expect(ready.body.status).to.equal('ready');
    expect(ready.body.database.writes).to.equal(undefined);

    expect(logs.lines.filter((line) => line.msg.startsWith('the database does not take writes:'))).to.have.length(1);
    expect(logs.withMessage('the database takes writes again')).to.have.length(1);
    expect(logs.withMessage('the database takes writes again')[0]!.refused).to.equal(3);
    expect(logs.lines.filter((line) => line.msg.startsWith('the database does not take reads:'))).to.deep.equal([]);
    expect(logs.withMessage('request failed')).to.deep.equal([]);
  });
});
