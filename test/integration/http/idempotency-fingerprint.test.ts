import { migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import { DATABASE_KINDS, openTestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { inDays, type RequestOptions, TestService } from '../../support/test-service.js';

for (const kind of DATABASE_KINDS) {
  describe(`An Idempotency-Key is bound to the whole request: method, resource, query and body (${kind.name})`, () => {
    let service: TestService;
    before(async () => {
      service = await TestService.start(kind, { env: { BASE_PATH: '/vpns' } });
    });
    after(() => service.stop());

    const post = (path: string, key: string, options: RequestOptions = {}) =>
      service.request('POST', path, { ...options, headers: { 'idempotency-key': key, ...options.headers } });
    const json = { 'content-type': 'application/json' };
    const read = async (id: string) => (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;

    it('refuses a modify with another body under a used key with 422 IDEMPOTENCY_KEY_REUSED, changing nothing', async () => {
      const id = await service.createCampaign();
      const first = await post(`/api/v1/campaigns/${id}/modify`, `m-${id}`, { body: { name: 'First' } });
      const second = await post(`/api/v1/campaigns/${id}/modify`, `m-${id}`, { body: { name: 'Second' } });
      expect(first.status).to.equal(200);
      expect(second.status).to.equal(422);
      expect(second.body.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      expect((await read(id)).name).to.equal('First');
    });

    it('replays a modify whose body differs only in key order and whitespace, byte for byte', async () => {
      const id = await service.createCampaign();
      const endAt = inDays(40);
      const first = await post(`/api/v1/campaigns/${id}/modify`, `o-${id}`, {
        rawBody: `{"name":"N","endAt":"${endAt}"}`,
        headers: json,
      });
      const events = (await service.outboxRows()).length;
      const again = await post(`/api/v1/campaigns/${id}/modify`, `o-${id}`, {
        rawBody: ` {\n  "endAt" : "${endAt}",\t"name": "N" }\n`,
        headers: json,
      });
      expect(first.status).to.equal(200);
      expect(again.status).to.equal(200);
      expect(again.text).to.equal(first.text);
      expect((await service.outboxRows()).length).to.equal(events);
    });

    it('tells a restart from a modify by the query: the same key with ?restart=true is 422', async () => {
      const id = await service.createCampaign();
      expect((await post(`/api/v1/campaigns/${id}/modify`, `r-${id}`, { body: { name: 'A' } })).status).to.equal(200);
      const restart = await post(`/api/v1/campaigns/${id}/modify?restart=true`, `r-${id}`, { body: { name: 'A' } });
      expect(restart.status).to.equal(422);
    });

    it('refuses a start with a body under the key of a start without one', async () => {
      const id = await service.createCampaign();
      expect((await post(`/api/v1/campaigns/${id}/start`, `b-${id}`)).status).to.equal(200);
      const withBody = await post(`/api/v1/campaigns/${id}/start`, `b-${id}`, { body: { reason: 'again' } });
      expect(withBody.status).to.equal(422);
    });

    it('treats both mounts as one resource: a repeat through BASE_PATH replays the answer given under /api/v1', async () => {
      const id = await service.createCampaign();
      const first = await post(`/api/v1/campaigns/${id}/start`, `mount-${id}`);
      const again = await post(`/vpns/api/v1/campaigns/${id}/start`, `mount-${id}`);
      expect([first.status, again.status]).to.deep.equal([200, 200]);
      expect(again.text).to.equal(first.text);
    });

    it('replays a refusal byte for byte, with the id of the request that was refused; X-Request-Id names the replay', async () => {
      const id = await service.createCampaign({ status: 'draft' });
      const first = await post(`/api/v1/campaigns/${id}/start`, `refused-${id}`);
      const again = await post(`/api/v1/campaigns/${id}/start`, `refused-${id}`);
      expect([first.status, again.status]).to.deep.equal([409, 409]);
      expect(again.text).to.equal(first.text);
      expect(again.body.requestId).to.equal(first.headers.get('x-request-id'));
      expect(again.headers.get('x-request-id')).not.to.equal(first.headers.get('x-request-id'));
    });
  });

  describe(`Idempotency keys stored before bodies were fingerprinted (${kind.name})`, () => {
    let service: TestService;
    before(async () => {
      const database = await kind.create();
      const db = openTestDatabase(database);
      try {
        for (let i = 0; i < 3; i++) await db.migrate.up({ migrationSource });
        await db('idempotency_keys').insert({
          owner: 'tester',
          key: 'stored-before',
          fingerprint: 'start 42',
          outcome: JSON.stringify({ fingerprint: 'start 42', kind: 'result', value: { id: '42' } }),
          created_at: new Date(),
        });
      } finally {
        await db.destroy();
      }
      service = await TestService.start(kind, { database });
    });
    after(() => service.stop());

    const start = (id: string, options: RequestOptions = {}) =>
      service.request('POST', `/api/v1/campaigns/${id}/start`, {
        ...options,
        headers: { 'idempotency-key': 'stored-before' },
      });

    it('are rewritten to the request form, with a digest that matches any query and body', async () => {
      expect((await service.db('idempotency_keys').where({ key: 'stored-before' }).first()).fingerprint).to.equal(
        'POST /campaigns/42/start *',
      );
    });

    it('still answer a repeat of their request as before, whatever its body', async () => {
      for (const options of [{}, { body: { any: 'body' } }]) {
        const answer = await start('42', options);
        expect(answer.status).to.equal(200);
        expect(answer.text).to.equal('{"id":"42","message":"Campaign execution intiated successfully. "}');
      }
    });

    it('still refuse another campaign or verb with 422', async () => {
      expect((await start('43')).status).to.equal(422);
      const pause = await service.request('POST', '/api/v1/campaigns/42/pause', {
        headers: { 'idempotency-key': 'stored-before' },
      });
      expect(pause.status).to.equal(422);
    });
  });
}
