import pino from 'pino';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { TestService } from '../../support/test-service.js';

const START_BODY = (id: string) => `{"id":"${id}","message":"Campaign execution intiated successfully. "}`;

for (const kind of DATABASE_KINDS) {
  describe(`POST /api/v1/campaigns/{id}/start (${kind.name})`, () => {
    let service: TestService;
    const clock = new FixedClock(new Date());

    before(async () => {
      service = await TestService.start(kind, { clock, env: { BASE_PATH: '/vpns' } });
    });
    after(() => service.stop());
    beforeEach(() => clock.set(new Date()));

    const start = (id: string, options = {}) => service.request('POST', `/api/v1/campaigns/${id}/start`, options);

    it('starts a scheduled campaign and answers exactly the Volt MX body', async () => {
      const id = await service.createCampaign();
      const answer = await start(id);
      expect(answer.status).to.equal(200);
      expect(answer.text).to.equal(START_BODY(id));
      expect(answer.headers.get('content-type')).to.match(/^application\/json/);
      const campaign = await service.request('GET', `/api/v1/campaigns/${id}?view=service`);
      expect(campaign.body.status).to.equal('running');
      expect(campaign.body.startedAt).to.equal(clock.now().toISOString());
    });

    it('keeps the id 9007199254740993 exact from request to database to response', async () => {
      const id = await service.createCampaign({ id: '9007199254740993' });
      expect(id).to.equal('9007199254740993');
      const answer = await start('9007199254740993');
      expect(answer.text).to.equal(START_BODY('9007199254740993'));
      const [row] = await service
        .db('campaigns')
        .select(service.db.raw('CAST(id AS TEXT) AS id'))
        .where('id', '9007199254740993');
      expect(row.id).to.equal('9007199254740993');
      const got = await service.request('GET', '/api/v1/campaigns/9007199254740993?view=service');
      expect(got.text).to.contain('"id":"9007199254740993"');
    });

    it('writes exactly one CampaignStarted to the outbox, naming the caller', async () => {
      const id = await service.createCampaign();
      await start(id, { token: await service.token('alice') });
      const rows = (await service.outboxRows()).filter((row) => row.aggregate_id === id);
      expect(rows).to.have.length(1);
      expect(rows[0]!.event_type).to.equal('CampaignStarted');
      expect(JSON.parse(rows[0]!.payload as string)).to.include({
        campaignId: id,
        trigger: 'manual',
        startedBy: 'alice',
      });
    });

    it('accepts an empty JSON object as the body', async () => {
      const id = await service.createCampaign();
      expect((await start(id, { body: {} })).status).to.equal(200);
    });

    it('refuses a body that is not JSON with 400 INVALID_REQUEST and changes nothing', async () => {
      const id = await service.createCampaign();
      const answer = await start(id, { rawBody: '{"oops', headers: { 'content-type': 'application/json' } });
      expect(answer.status).to.equal(400);
      expect(answer.body.code).to.equal('INVALID_REQUEST');
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status).to.equal('scheduled');
    });

    it('refuses a body of another media type with 415', async () => {
      const id = await service.createCampaign();
      const answer = await start(id, { rawBody: 'go', headers: { 'content-type': 'text/plain' } });
      expect(answer.status).to.equal(415);
      expect(answer.body.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses a body over 1 MiB with 413', async () => {
      const id = await service.createCampaign();
      const answer = await start(id, { body: { padding: 'x'.repeat(1_100_000) } });
      expect(answer.status).to.equal(413);
      expect(answer.body.code).to.equal('PAYLOAD_TOO_LARGE');
    });

    for (const bad of ['0', '-1', 'abc', '007', '1.5', '9223372036854775808', '99999999999999999999']) {
      it(`refuses the id ${bad} with 400 INVALID_CAMPAIGN_ID`, async () => {
        const answer = await start(bad);
        expect(answer.status).to.equal(400);
        expect(answer.body.code).to.equal('INVALID_CAMPAIGN_ID');
      });
    }

    it('accepts the largest long as an id and answers 404 when it does not exist', async () => {
      const answer = await start('9223372036854775807');
      expect(answer.status).to.equal(404);
      expect(answer.body).to.include({ code: 'CAMPAIGN_NOT_FOUND', id: '9223372036854775807' });
    });

    it('refuses a campaign that is already running with 409 CAMPAIGN_NOT_STARTABLE and its status', async () => {
      const id = await service.createCampaign();
      await start(id);
      const answer = await start(id);
      expect(answer.status).to.equal(409);
      expect(answer.body).to.include({ code: 'CAMPAIGN_NOT_STARTABLE', status: 'running', id });
    });

    it('refuses a draft with 409 CAMPAIGN_NOT_STARTABLE', async () => {
      const id = await service.createCampaign({ status: 'draft' });
      const answer = await start(id);
      expect(answer.status).to.equal(409);
      expect(answer.body).to.include({ code: 'CAMPAIGN_NOT_STARTABLE', status: 'draft' });
    });

    it('refuses a campaign whose end date has passed with 409 CAMPAIGN_EXPIRED, its status, and changes nothing', async () => {
      const endAt = new Date(clock.now().getTime() + 120_000).toISOString();
      const id = await service.createCampaign({
        startAt: new Date(clock.now().getTime() + 60_000).toISOString(),
        endAt,
      });
      clock.advance(120_000);
      const answer = await start(id);
      expect(answer.status).to.equal(409);
      expect(answer.body).to.include({ code: 'CAMPAIGN_EXPIRED', id, status: 'scheduled', endAt });
      expect((await service.outboxRows()).filter((row) => row.aggregate_id === id)).to.have.length(0);
    });

    it('gives exactly one 200 to 50 concurrent starts, 409 to the rest, and one event', async () => {
      const id = await service.createCampaign();
      const answers = await Promise.all(Array.from({ length: 50 }, () => start(id)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).to.have.length(1);
      expect(statuses.filter((s) => s === 409)).to.have.length(49);
      expect((await service.outboxRows()).filter((row) => row.aggregate_id === id)).to.have.length(1);
    });

    it('is mounted under BASE_PATH too, as real Volt MX servers are', async () => {
      const id = await service.createCampaign();
      const answer = await service.request('POST', `/vpns/api/v1/campaigns/${id}/start`);
      expect(answer.text).to.equal(START_BODY(id));
    });

    it('answers 405 with JSON for another method on the start route', async () => {
      const answer = await service.request('GET', '/api/v1/campaigns/1/start');
      expect(answer.status).to.equal(405);
      expect(answer.body.code).to.equal('METHOD_NOT_ALLOWED');
    });

    it('answers 404 with JSON for an unknown route', async () => {
      const answer = await service.request('GET', '/api/v1/nothing-here');
      expect(answer.status).to.equal(404);
      expect(answer.body.code).to.equal('NOT_FOUND');
    });

    describe('with an Idempotency-Key', () => {
      const withKey = (key: string, token?: string) => ({
        headers: { 'idempotency-key': key },
        ...(token ? { token } : {}),
      });

      it('answers a repeat with the first status and body and writes nothing', async () => {
        const id = await service.createCampaign();
        const first = await start(id, withKey(`key-${id}`));
        const before = (await service.outboxRows()).length;
        const again = await start(id, withKey(`key-${id}`));
        expect([first.status, again.status]).to.deep.equal([200, 200]);
        expect(again.text).to.equal(first.text);
        expect((await service.outboxRows()).length).to.equal(before);
      });

      it('answers a repeated refusal with the same refusal', async () => {
        const id = await service.createCampaign({ status: 'draft' });
        const first = await start(id, withKey(`draft-${id}`));
        const again = await start(id, withKey(`draft-${id}`));
        expect([first.status, again.status]).to.deep.equal([409, 409]);
        expect({ ...again.body, requestId: null }).to.deep.equal({ ...first.body, requestId: null });
      });

      it('refuses the same key on another campaign with 422 IDEMPOTENCY_KEY_REUSED', async () => {
        const one = await service.createCampaign();
        const two = await service.createCampaign();
        await start(one, withKey(`shared-${one}`));
        const answer = await start(two, withKey(`shared-${one}`));
        expect(answer.status).to.equal(422);
        expect(answer.body.code).to.equal('IDEMPOTENCY_KEY_REUSED');
        expect((await service.request('GET', `/api/v1/campaigns/${two}?view=service`)).body.status).to.equal(
          'scheduled',
        );
      });

      it("keeps one caller's keys apart from another's", async () => {
        const id = await service.createCampaign();
        await start(id, withKey(`mine-${id}`, await service.token('alice')));
        const answer = await start(id, withKey(`mine-${id}`, await service.token('bob')));
        expect(answer.status).to.equal(409);
      });

      it('gives 20 concurrent repeats of one key the same 200 and one event', async () => {
        const id = await service.createCampaign();
        const answers = await Promise.all(Array.from({ length: 20 }, () => start(id, withKey(`burst-${id}`))));
        expect(answers.map((a) => a.status)).to.deep.equal(Array(20).fill(200));
        expect((await service.outboxRows()).filter((row) => row.aggregate_id === id)).to.have.length(1);
      });

      it('refuses a key longer than 255 characters with 400', async () => {
        const id = await service.createCampaign();
        const answer = await start(id, withKey('k'.repeat(256)));
        expect(answer.status).to.equal(400);
        expect(answer.body.code).to.equal('INVALID_REQUEST');
      });
    });

    it('answers an unexpected failure with 500 INTERNAL and no internals, and logs it under the route, not the path', async () => {
      const logs = new LogLines();
      const broken = await TestService.start(kind, { logger: pino({ level: 'info' }, logs) });
      try {
        await broken.db.schema.dropTable('idempotency_keys');
        await broken.db.schema.dropTable('outbox');
        const id = await broken.createCampaign();
        const answer = await broken.request('POST', `/api/v1/campaigns/${id}/start`);
        expect(answer.status).to.equal(500);
        expect(answer.body.code).to.equal('INTERNAL');
        expect(answer.body.requestId).to.be.a('string');
        expect(answer.text).not.to.match(/outbox|stack|sql/i);
        const [failed] = logs.withMessage('request failed');
        expect(failed).to.include({ requestId: answer.body.requestId, route: '/api/v1/campaigns/:id/start' });
        expect(JSON.stringify(failed)).not.to.include(`/campaigns/${id}/`);
        expect((await broken.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status).to.equal('scheduled');
      } finally {
        await broken.stop();
      }
    });
  });
}
