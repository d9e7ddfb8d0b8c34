import fc from 'fast-check';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { inDays, TestService } from '../../support/test-service.js';

const SERVICE_VIEW = 'application/vnd.campaign-service+json';

/** A text in any letter case. */
function anyCase(text: string): fc.Arbitrary<string> {
  return fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => [...text].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
}

/** A media type with the +json suffix (RFC 6839), in any letter case, with or without a UTF-8 charset. */
const jsonSuffixType = fc
  .tuple(
    fc.oneof(fc.constant('vnd.campaign-service'), fc.stringMatching(/^[a-z][a-z0-9.-]{0,15}$/)),
    fc.constantFrom('', '; charset=utf-8', ';charset=UTF-8'),
  )
  .chain(([subtype, charset]) => anyCase(`application/${subtype}+json`).map((type) => `${type}${charset}`));

for (const kind of DATABASE_KINDS) {
  describe(`The media type of a JSON body (${kind.name})`, function () {
    this.timeout(propertyTimeoutMs(120_000));
    let service: TestService;

    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    const post = (path: string, contentType: string, body: unknown) =>
      service.request('POST', path, { rawBody: JSON.stringify(body), headers: { 'content-type': contentType } });

    it('takes the service view posted back in the media type it was read in', async () => {
      const id = await service.createCampaign({ name: 'Read in its own type' });
      const read = await service.request('GET', `/api/v1/campaigns/${id}`, { headers: { accept: SERVICE_VIEW } });
      expect(read.headers.get('content-type')).to.equal(`${SERVICE_VIEW}; charset=utf-8`);
      const changed = { ...JSON.parse(read.text), name: 'Posted back in its own type' };

      const answer = await post(`/api/v1/campaigns/${id}/modify`, `${SERVICE_VIEW}; charset=utf-8`, changed);

      expect(answer.status, answer.text).to.equal(200);
      const after = await service.request('GET', `/api/v1/campaigns/${id}?view=service`);
      expect(after.body.name).to.equal('Posted back in its own type');
    });

    it('reads a body declared with any +json type as JSON, on create and on every verb (generated)', async () => {
      await fc.assert(
        fc.asyncProperty(jsonSuffixType, async (contentType) => {
          const created = await post('/api/v1/campaigns', contentType, { name: 'Suffixed', startAt: inDays(1) });
          expect(created.status, `${contentType}: ${created.text}`).to.equal(200);
          const started = await post(`/api/v1/campaigns/${created.body.id}/start`, contentType, {});
          expect(started.status, `${contentType}: ${started.text}`).to.equal(200);
        }),
        propertyParameters(25),
      );
    });

    it('refuses a body whose Content-Type header is there but empty with 415, storing nothing (generated)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.stringMatching(/^[ \t]{0,3}$/), async (blank) => {
          const before = await service.db('campaigns').count({ n: '*' }).first();
          const answer = await post('/api/v1/campaigns', blank, { name: 'Declared as nothing', startAt: inDays(1) });
          expect(answer.status, JSON.stringify(blank)).to.equal(415);
          expect(answer.body.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
          expect(await service.db('campaigns').count({ n: '*' }).first()).to.deep.equal(before);
        }),
        propertyParameters(10),
      );
    });

    it('still refuses a body declared as another type with 415, storing nothing', async () => {
      for (const contentType of ['text/plain', 'application/xml', 'text/json', 'application/json-seq', 'x/y+xml']) {
        const before = await service.db('campaigns').count({ n: '*' }).first();
        const answer = await post('/api/v1/campaigns', contentType, { name: 'Not JSON', startAt: inDays(1) });
        expect(answer.status, contentType).to.equal(415);
        expect(answer.body.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
        expect(await service.db('campaigns').count({ n: '*' }).first()).to.deep.equal(before);
      }
    });
  });
}
