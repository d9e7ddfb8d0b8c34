import type { Knex } from 'knex';
import { CONNECTIONS_KEPT_FOR_READS } from '../../../src/adapters/persistence/knex/write-share.js';
import { openTestDatabase, POSTGRES } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { inDays, TestService } from '../../support/test-service.js';

/** The writes' gauges of a `/metrics` answer. */
function writeGauges(metrics: string): { running: number; waiting: number } {
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
  return { running: gauge('database_writes_in_progress'), waiting: gauge('database_writes_waiting') };
}

/** `answer` if it comes before the writes are let go; 'not before the writes' otherwise. */
function beforeRelease<T>(answer: Promise<T>): Promise<T | 'not before the writes'> {
  return Promise.race([
    answer,
    new Promise<'not before the writes'>((ok) => setTimeout(ok, 8_000, 'not before the writes')),
  ]);
}

/**
 * Holds every write to the campaigns and the outbox, as a stalled disk would, from a transaction of `outside`; reads
 * (ACCESS SHARE) go on. `blocked` counts the service's backends waiting for it, asked outside the lock's transaction,
 * which sees pg_stat_activity as it was at its first look.
 */
async function holdWrites(outside: Knex): Promise<{ blocked: () => Promise<number>; release: () => Promise<void> }> {
  const lock = await outside.transaction();
  await lock.raw('LOCK TABLE campaigns, outbox IN EXCLUSIVE MODE');
  const holder = (await lock.raw('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
  return {
    blocked: async () =>
      (
        await outside.raw('SELECT count(*)::int AS n FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))', [
          holder,
        ])
      ).rows[0].n as number,
    release: async () => {
      await lock.rollback();
    },
  };
}

describe('Reads while PostgreSQL holds every write', () => {
  let service: TestService;
  let outside: Knex;
  /** The connections writes may hold: the service's pool less those kept for reads. */
  let writePlaces: number;
  before(async () => {
    const database = await POSTGRES.create();
    service = await TestService.start(POSTGRES, { database });
    outside = openTestDatabase(database);
    writePlaces = (service.db.client.config as Knex.Config).pool!.max! - CONNECTIONS_KEPT_FOR_READS;
  });
  after(async () => {
    await outside.destroy();
    await service.stop();
  });

  /** Every write held was answered 200 once the lock went, and none is counted any more. */
  async function expectEveryWriteAnswered(writes: Promise<number>[]): Promise<void> {
    expect(await Promise.all(writes)).to.deep.equal(Array.from(writes, () => 200));
    expect(writeGauges((await service.request('GET', '/metrics', { token: null })).text)).to.deep.equal({
      running: 0,
      waiting: 0,
    });
  }

  it('answer a campaign, the list, readiness and metrics at once, and every write held meanwhile is answered once they go on', async () => {
    const scheduled = await Promise.all(Array.from({ length: 20 }, () => service.createCampaign()));
    const lock = await holdWrites(outside);
    let writes: Promise<number>[] = [];
    try {
      // With an Idempotency-Key a create is a transaction of its own, on a connection of its own: enough of them
      // take every place writes may hold (creates without one, like starts, share a statement per turn).
      let key = 0;
      const create = () =>
        service.request('POST', '/api/v1/campaigns', {
          body: { name: 'held', startAt: inDays(1) },
          headers: { 'idempotency-key': `held-${++key}` },
        });
      const creates = Array.from({ length: 20 }, create);
      const starts = scheduled.map((id) => service.request('POST', `/api/v1/campaigns/${id}/start`));
      writes = [...creates, ...starts].map((answer) => answer.then((a) => a.status));
      await eventually('the writes hold every connection they may', async () => {
        const blocked = await lock.blocked();
        // Should fewer creates than there are places have reached the pool yet, another one takes the next place.
        if (blocked < writePlaces) writes.push(create().then((a) => a.status));
        return blocked >= writePlaces;
      });

      const campaign = await beforeRelease(service.request('GET', `/api/v1/campaigns/${scheduled[0]}?view=service`));
      const list = await beforeRelease(service.request('GET', '/api/v1/campaigns'));
      const ready = await beforeRelease(service.request('GET', '/health/ready'));
      const metrics = await beforeRelease(service.request('GET', '/metrics', { token: null }));
      expect(campaign === 'not before the writes' ? campaign : [campaign.status, campaign.body.status]).to.deep.equal([
        200,
        'scheduled',
      ]);
      expect(list === 'not before the writes' ? list : list.status).to.equal(200);
      expect(ready === 'not before the writes' ? ready : [ready.status, ready.body.status]).to.deep.equal([
        200,
        'ready',
      ]);
      const held = metrics === 'not before the writes' ? metrics : writeGauges(metrics.text);
      expect(held).to.include({ running: writePlaces });
      expect(held).to.have.property('waiting').above(0);
    } finally {
      await lock.release();
    }
    await expectEveryWriteAnswered(writes);
    for (const id of scheduled) {
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status).to.equal('running');
    }
  });
  it('counts as waiting the plain starts and creates that wait for a batch to take them, and as running the statements held', async () => {
    const scheduled = await Promise.all(Array.from({ length: 30 }, () => service.createCampaign()));
    const lock = await holdWrites(outside);
    const writes: Promise<number>[] = [];
    try {
      const start = (id: string) => service.request('POST', `/api/v1/campaigns/${id}/start`).then((a) => a.status);
      // Each wave is one turn's batch: the first two are statements held by the lock, the third waits for a place.
      for (const [wave, ids] of [scheduled.slice(0, 10), scheduled.slice(10, 20)].entries()) {
        writes.push(...ids.map(start));
        await eventually(
          `batch ${wave + 1} of starts is held by the lock`,
          async () => (await lock.blocked()) >= wave + 1,
        );
      }
      writes.push(...scheduled.slice(20).map(start));
      writes.push(
        ...Array.from({ length: 5 }, () =>
          service
            .request('POST', '/api/v1/campaigns', { body: { name: 'plain', startAt: inDays(1) } })
            .then((a) => a.status),
        ),
      );
      await eventually('the third wave of starts counts as waiting', async () => {
        const gauges = writeGauges((await service.request('GET', '/metrics', { token: null })).text);
        return gauges.waiting >= 10 && gauges.running >= 2;
      });
    } finally {
      await lock.release();
    }
    await expectEveryWriteAnswered(writes);
  });
});
