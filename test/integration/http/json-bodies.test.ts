import { MAX_JSON_DEPTH } from '../../../src/adapters/http/json-depth.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { TestService } from '../../support/test-service.js';

for (const kind of DATABASE_KINDS) {
  describe(`JSON bodies a parser can get wrong (${kind.name})`, () => {
    let service: TestService;
    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    const create = (rawBody: string) =>
      service.request('POST', '/api/v1/campaigns', { rawBody, headers: { 'content-type': 'application/json' } });
    const nested = (depth: number) => `{"name":"deep","extra":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

    it(`refuses a body nested deeper than ${MAX_JSON_DEPTH} levels with 400 saying so, not as invalid JSON`, async () => {
      const answer = await create(nested(5000));
      expect(answer.status).to.equal(400);
      expect(answer.body.code).to.equal('INVALID_REQUEST');
      expect(answer.body.message).to.equal(
        `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
      );
    });

    it(`takes a body nested ${MAX_JSON_DEPTH} levels deep`, async () => {
      expect((await create(nested(MAX_JSON_DEPTH))).status).to.equal(200);
    });

    it('refuses a key given twice with different values, and takes one given twice alike', async () => {
      expect((await create('{"name":"a","name":"b"}')).status).to.equal(400);
      expect((await create('{"name":"a","name":"a"}')).status).to.equal(200);
    });

    it('reads __proto__ as an ordinary unknown field: it sets nothing', async () => {
      const answer = await create('{"name":"proto","__proto__":{"status":"draft","description":"from the prototype"}}');
      expect(answer.status).to.equal(200);
      expect((await service.request('GET', `/api/v1/campaigns/${answer.body.id}?view=service`)).body).to.include({
        status: 'scheduled',
        description: null,
      });
    });
  });
}
