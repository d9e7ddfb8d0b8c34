import fc from 'fast-check';
import { ALL_SCOPES } from '../../../src/adapters/auth/principal.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';
import { nowSeconds, tokenWithPayload } from '../../support/raw-token.js';
import { TestService } from '../../support/test-service.js';

for (const kind of DATABASE_KINDS) {
  describe(`The token subject at the door (${kind.name})`, () => {
    let service: TestService;
    let id: string;

    before(async () => {
      service = await TestService.start(kind);
      id = await service.createCampaign();
    });
    after(() => service.stop());

    const tokenFor = (subJson: string, extra = '') =>
      tokenWithPayload(`{"sub":${subJson},"scope":"${ALL_SCOPES.join(' ')}","exp":${nowSeconds() + 600}${extra}}`);

    for (const [label, subJson] of [
      ['a NUL', '"a\\u0000b"'],
      ['more than 255 characters', JSON.stringify('s'.repeat(256))],
    ] as const) {
      it(`refuses a subject with ${label} with 401, before anything is written`, async () => {
        const token = tokenFor(subJson);
        const create = await service.request('POST', '/api/v1/campaigns', {
          token,
          body: { name: 'x', startAt: '2031-01-01T00:00:00Z', endAt: '2031-02-01T00:00:00Z' },
        });
        const start = await service.request('POST', `/api/v1/campaigns/${id}/start`, { token });
        for (const answer of [create, start]) {
          expect(answer.status).to.equal(401);
          expect(answer.body).to.include({ code: 'UNAUTHORIZED' });
        }
        expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status).to.equal(
          'scheduled',
        );
      });
    }

    it('refuses a subject of white space only, which names nobody, with 401 before anything is written, and takes one with a letter among it (generated)', async () => {
      let renames = 0;
      const space = fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff');
      await fc.assert(
        fc.asyncProperty(fc.array(space, { minLength: 1, maxLength: 8 }), fc.boolean(), async (spaces, named) => {
          const sub = named ? `${spaces.join('')}a${spaces.join('')}` : spaces.join('');
          const token = tokenFor(JSON.stringify(sub));
          const before = (await service.db('campaigns').where({ id }).first()).version;
          const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
            token,
            body: { name: `renamed ${++renames}` },
          });
          expect(answer.status, JSON.stringify(sub)).to.equal(named ? 200 : 401);
          const after = (await service.db('campaigns').where({ id }).first()).version;
          expect(Number(after) - Number(before), JSON.stringify(sub)).to.equal(named ? 1 : 0);
        }),
        propertyParameters(25),
      );
    });

    it('records a subject of 255 characters exactly', async () => {
      const sub = 'ü'.repeat(255);
      const answer = await service.request('POST', `/api/v1/campaigns/${id}/start`, {
        token: tokenFor(JSON.stringify(sub)),
      });
      expect(answer.status).to.equal(200);
      const row = await service.db('campaigns').where({ id }).first();
      expect(row.updated_by).to.equal(sub);
    });

    it('refuses a token whose exp is 1e400 (it would never expire)', async () => {
      const token = tokenWithPayload(`{"sub":"alice","scope":"${ALL_SCOPES.join(' ')}","exp":1e400}`);
      const answer = await service.request('GET', `/api/v1/campaigns/${id}`, { token });
      expect(answer.status).to.equal(401);
    });
  });
}
