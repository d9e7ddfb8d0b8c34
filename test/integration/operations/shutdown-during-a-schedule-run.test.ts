import type { Knex } from 'knex';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { openTestDatabase, POSTGRES, type TestDatabase } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { inDays, TestService } from '../../support/test-service.js';

/** Whether a new connection to `url` is answered: the answer's status, or the failure to connect. */
async function newConnectionTo(url: string): Promise<number | 'refused'> {
  try {
    return (await fetch(`${url}/health/live`, { headers: { connection: 'close' } })).status;
  } catch {
    return 'refused';
  }
}

describe('Shutdown while the scheduler is running', () => {
  let database: TestDatabase;
  let service: TestService;
  let outside: Knex;
  const clock = new FixedClock(new Date());

  beforeEach(async () => {
    database = await POSTGRES.create();
    service = await TestService.start(POSTGRES, {
      database,
      clock,
      env: { SCHEDULER: 'on', SCHEDULER_INTERVAL_MS: '20' },
    });
    outside = openTestDatabase(database);
  });
  afterEach(async () => {
    await outside.destroy();
    await database.drop();
  });

  it('stops taking connections at once, though the run it waits for is held up by the database', async () => {
    const id = await service.createCampaign({ startAt: inDays(1, clock.now().getTime()) });
    const lock = await outside.transaction();
    try {
      await lock.raw('SELECT id FROM campaigns WHERE id = ? FOR UPDATE', [id]);
      const { rows: holder } = await lock.raw(
        'SELECT backend_xid::text AS xid FROM pg_stat_activity WHERE pid = pg_backend_pid()',
      );
      clock.set(new Date(inDays(2, clock.now().getTime())));
      await eventually('the schedule run waits for the locked campaign', async () => {
        const { rows } = await outside.raw(
          "SELECT count(*) AS waiting FROM pg_locks WHERE locktype = 'transactionid' AND transactionid::text = ? AND NOT granted",
          [holder[0].xid],
        );
        return Number(rows[0].waiting) > 0;
      });
      const stopped = service.running.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await newConnectionTo(service.url)).to.equal('refused');
      await lock.rollback();
      await stopped;
    } finally {
      if (!lock.isCompleted()) await lock.rollback();
    }
    const [started] = await outside('outbox').where({ event_type: 'CampaignStarted' }).select('payload');
    expect(started, 'the run it waited for finished its start').to.not.equal(undefined);
  });
});
