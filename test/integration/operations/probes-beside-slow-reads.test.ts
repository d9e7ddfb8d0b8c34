import type { Knex } from 'knex';
import { openTestDatabase, POSTGRES } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { TestService } from '../../support/test-service.js';

const READS = 30;

/** What the test reads of Knex's pool (tarn). */
interface Pool {
  max: number;
  numUsed(): number;
  numPendingAcquires(): number;
}

/** `answer` if it comes within `ms`; 'no answer' otherwise. */
function within<T>(answer: Promise<T>, ms: number): Promise<T | 'no answer'> {
  return Promise.race([answer, new Promise<'no answer'>((ok) => setTimeout(ok, ms, 'no answer'))]);
}

describe('Readiness and metrics while slow reads hold every pooled PostgreSQL connection', () => {
  let service: TestService;
  let outside: Knex;
  before(async () => {
    const database = await POSTGRES.create();
    service = await TestService.start(POSTGRES, { database });
    outside = openTestDatabase(database);
  });
  after(async () => {
    await outside.destroy();
    await service.stop();
  });

  it('say ready with the outbox counted, since the database answers, and every read is answered once it goes on', async () => {
    const id = await service.createCampaign();
    expect((await service.request('POST', `/api/v1/campaigns/${id}/start`)).status).to.equal(200);
    const lock = await outside.transaction();
    let reads: Promise<number>[] = [];
    try {
      // Every read of campaigns waits for this lock, as a slow query would keep its connection.
      await lock.raw('LOCK TABLE campaigns IN ACCESS EXCLUSIVE MODE');
      reads = Array.from({ length: READS }, (_, i) =>
        service.request('GET', `/api/v1/campaigns?search=slow${i}`).then((answer) => answer.status),
      );
      const pool = (service.db.client as { pool: Pool }).pool;
      await eventually('the reads hold every connection of the pool, and more wait for one', async () => {
        return pool.numUsed() === pool.max && pool.numPendingAcquires() > 0;
      });

      const ready = await within(service.request('GET', '/health/ready'), 5_000);
      const metrics = await within(service.request('GET', '/metrics', { token: null }), 5_000);
      expect(
        ready === 'no answer' ? ready : [ready.status, ready.body.status, ready.body.database.status],
      ).to.deep.equal([200, 'ready', 'up']);
      expect(metrics === 'no answer' ? metrics : /^outbox_backlog_events (\S+)$/m.exec(metrics.text)?.[1]).to.equal(
        '1',
      );
    } finally {
      await lock.rollback();
    }
    expect(await Promise.all(reads)).to.deep.equal(Array.from({ length: READS }, () => 200));
  });
});
