import type { Knex } from 'knex';
import { openTestDatabase, POSTGRES, type TestDatabase } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { sample } from '../../support/metric-sample.js';
import { TestService } from '../../support/test-service.js';

describe('Requests in progress, while a table an operator locked holds them (PostgreSQL)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let service: TestService;
  let operator: Knex;

  before(async () => {
    database = await POSTGRES.create();
    service = await TestService.start(POSTGRES, { database });
    operator = openTestDatabase(database);
  });
  after(async () => {
    await service.stop();
    await operator.destroy();
    await database.drop();
  });

  const inProgress = async () =>
    sample((await service.request('GET', '/metrics', { token: null })).text, 'http_requests_in_progress');

  it('are counted in http_requests_in_progress, which falls back once they are answered', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await service.createCampaign());
    expect(await inProgress(), 'the scrape itself').to.equal(1);

    let starts: Promise<number[]> | undefined;
    await operator.transaction(async (trx) => {
      await trx.raw('LOCK TABLE campaigns IN ACCESS EXCLUSIVE MODE');
      starts = Promise.all(
        ids.map(async (id) => (await service.request('POST', `/api/v1/campaigns/${id}/start`)).status),
      );
      await eventually('the starts wait for the lock', async () => (await inProgress()) === ids.length + 1);
    });

    expect(await starts).to.deep.equal(ids.map(() => 200));
    expect(await inProgress()).to.equal(1);
  });
});
