import { TYPES } from '../../../src/composition/types.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { inDays, TestService } from '../../support/test-service.js';

for (const kind of DATABASE_KINDS) {
  describe(`Creating and reading campaigns (${kind.name})`, () => {
    let service: TestService;

    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    const create = (body: unknown, options = {}) => service.request('POST', '/api/v1/campaigns', { body, ...options });

    it('creates a campaign and answers exactly the Volt MX body', async () => {
      const answer = await create({ name: 'Spring sale', startAt: inDays(1), endAt: inDays(10) });
      expect(answer.status).to.equal(200);
      expect(answer.text).to.equal(`{"message":"Details added successfully","id":"${answer.body.id}"}`);
      expect(answer.body.id).to.match(/^[1-9][0-9]{0,18}$/);
    });

    it('shows a created campaign with every field, times in ISO-8601 UTC', async () => {
      const startAt = '2031-05-24T21:08:51+04:30';
      const { body } = await create(
        { name: 'Kabul launch', description: 'Push only', startAt, endAt: '2031-06-01T00:00:00Z' },
        {
          token: await service.token('alice'),
        },
      );
      const got = await service.request('GET', `/api/v1/campaigns/${body.id}?view=service`);
      expect(got.status).to.equal(200);
      expect(got.body).to.deep.include({
        id: body.id,
        name: 'Kabul launch',
        description: 'Push only',
        status: 'scheduled',
        startAt: '2031-05-24T16:38:51.000Z',
        endAt: '2031-06-01T00:00:00.000Z',
        startedAt: null,
        createdBy: 'alice',
      });
      expect(got.body.createdAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('creates a draft when asked', async () => {
      const { body } = await create({ name: 'Later', status: 'draft' });
      expect((await service.request('GET', `/api/v1/campaigns/${body.id}?view=service`)).body.status).to.equal('draft');
    });

    it('imports a campaign with its id sent as a string', async () => {
      const answer = await create({ name: 'Imported', id: '9223372036854775807' });
      expect(answer.body.id).to.equal('9223372036854775807');
    });

    it('imports an id above 2^53 sent as a JSON number without rounding it', async () => {
      const answer = await service.request('POST', '/api/v1/campaigns', {
        rawBody: '{"id": 9007199254740995, "name": "From Volt MX"}',
        headers: { 'content-type': 'application/json;charset=UTF-8' },
      });
      expect(answer.status).to.equal(200);
      expect(answer.text).to.contain('"id":"9007199254740995"');
      expect((await service.request('GET', '/api/v1/campaigns/9007199254740995?view=service')).body.name).to.equal(
        'From Volt MX',
      );
    });

    it('refuses an id that exists with 409 CAMPAIGN_EXISTS and keeps the original', async () => {
      await create({ name: 'First', id: '77' });
      const answer = await create({ name: 'Second', id: 77 });
      expect(answer.status).to.equal(409);
      expect(answer.body).to.include({ code: 'CAMPAIGN_EXISTS', id: '77' });
      expect((await service.request('GET', '/api/v1/campaigns/77?view=service')).body.name).to.equal('First');
    });

    it('names every bad field with 400 VALIDATION_FAILED and stores nothing', async () => {
      const before = (await service.request('GET', '/api/v1/campaigns')).body.total;
      const answer = await create({
        name: '',
        description: 5,
        startAt: '2031-01-01',
        endAt: 'tomorrow',
        status: 'running',
        id: '-1',
      });
      expect(answer.status).to.equal(400);
      expect(answer.body.code).to.equal('VALIDATION_FAILED');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).to.have.members([
        'name',
        'description',
        'startAt',
        'endAt',
        'status',
        'id',
      ]);
      expect((await service.request('GET', '/api/v1/campaigns')).body.total).to.equal(before);
    });

    it('refuses an end before the start, whether the dates have passed or not', async () => {
      for (const [startAt, endAt] of [
        [inDays(-1), inDays(-2)],
        [inDays(2), inDays(1)],
      ]) {
        const answer = await create({ name: 'Backwards', startAt, endAt });
        expect(answer.status).to.equal(400);
        expect(answer.body.errors).to.deep.equal([{ field: 'endAt', message: 'must not be before startAt' }]);
      }
    });

    it('takes dates that have passed, as the original does: the schedule starts the campaign, or completes it unstarted once its end has passed too', async () => {
      const due = await create({ name: 'Due', startAt: inDays(-1), endAt: inDays(1) });
      const over = await create({ name: 'Over', startAt: inDays(-2), endAt: inDays(-1) });
      expect([due.status, over.status], due.text + over.text).to.deep.equal([200, 200]);
      const statusOf = async (id: string) =>
        (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status;
      expect([await statusOf(due.body.id), await statusOf(over.body.id)]).to.deep.equal(['scheduled', 'scheduled']);
      await service.running.container.get(TYPES.RunSchedule).execute();
      expect([await statusOf(due.body.id), await statusOf(over.body.id)]).to.deep.equal(['running', 'completed']);
    });

    it('refuses an impossible calendar date', async () => {
      const answer = await create({ name: 'Leap', startAt: '2031-02-30T10:00:00Z' });
      expect(answer.status).to.equal(400);
      expect(answer.body.errors[0].field).to.equal('startAt');
    });

    it('refuses a missing name and a name over 255 characters', async () => {
      expect((await create({})).body.errors).to.deep.equal([{ field: 'name', message: 'is required' }]);
      expect((await create({ name: 'x'.repeat(256) })).status).to.equal(400);
    });

    it('refuses a body that is not a JSON object with 400 INVALID_REQUEST', async () => {
      for (const body of [[1, 2], 'text', null]) {
        const answer = await create(body);
        expect(answer.status).to.equal(400);
        expect(answer.body.code).to.equal('INVALID_REQUEST');
      }
    });

    it('refuses a create without a body with 400 INVALID_REQUEST', async () => {
      const answer = await service.request('POST', '/api/v1/campaigns');
      expect(answer.status).to.equal(400);
      expect(answer.body.code).to.equal('INVALID_REQUEST');
    });

    it('ignores fields it does not know, as Volt MX clients send many', async () => {
      const answer = await create({ name: 'With extras', campaignType: 'push', campaignSegments: [] });
      expect(answer.status).to.equal(200);
    });

    it('answers 404 CAMPAIGN_NOT_FOUND for an unknown campaign and 400 for a bad id', async () => {
      expect((await service.request('GET', '/api/v1/campaigns/123456789?view=service')).body.code).to.equal(
        'CAMPAIGN_NOT_FOUND',
      );
      expect((await service.request('GET', '/api/v1/campaigns/12x')).body.code).to.equal('INVALID_CAMPAIGN_ID');
    });

    it('checks the id before the query: a bad id with a bad view is 400 INVALID_CAMPAIGN_ID', async () => {
      const badId = await service.request('GET', '/api/v1/campaigns/abc?view=x');
      expect(badId.status).to.equal(400);
      expect(badId.body.code).to.equal('INVALID_CAMPAIGN_ID');
      const badView = await service.request('GET', '/api/v1/campaigns/123456789?view=x');
      expect(badView.status).to.equal(400);
      expect(badView.body).to.include({ code: 'VALIDATION_FAILED' });
      expect(badView.body.errors).to.deep.equal([
        { field: 'view', message: 'must be "original" (the default) or "service"' },
      ]);
    });

    describe('listing', () => {
      let lister: TestService;
      before(async () => {
        lister = await TestService.start(kind);
        for (const id of ['30', '9007199254740993', '4', '200']) await lister.createCampaign({ id, name: `c${id}` });
      });
      after(() => lister.stop());

      it('pages through campaigns ordered by id, with the total', async () => {
        const first = await lister.request('GET', '/api/v1/campaigns?start=0&pageSize=2');
        expect(first.body.total).to.equal(4);
        expect(first.body.campaigns.map((c: { id: number }) => c.id)).to.deep.equal([4, 30]);
        const second = await lister.request('GET', '/api/v1/campaigns?start=2&pageSize=2');
        expect(second.text).to.contain('"id":9007199254740993,');
        expect(second.body.campaigns.map((c: { id: number | bigint }) => c.id)).to.deep.equal([200, 9007199254740993n]);
        const service = await lister.request('GET', '/api/v1/campaigns?start=2&pageSize=2&view=service');
        expect(service.body.campaigns.map((c: { id: string }) => c.id)).to.deep.equal(['200', '9007199254740993']);
      });

      it('defaults to the first ten', async () => {
        const answer = await lister.request('GET', '/api/v1/campaigns');
        expect(answer.body.campaigns).to.have.length(4);
      });

      it('refuses a bad page with 400 naming the parameter', async () => {
        for (const query of ['start=-1', 'pageSize=0', 'pageSize=abc', 'pageSize=501']) {
          const answer = await lister.request('GET', `/api/v1/campaigns?${query}`);
          expect(answer.status, query).to.equal(400);
          expect(answer.body.errors[0].field).to.equal(query.split('=')[0]);
        }
      });
    });
  });
}
