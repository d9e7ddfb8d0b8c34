import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { inDays, TestService } from '../../support/test-service.js';

const fields = { startAt: inDays(1), endAt: inDays(30) };

/** A coding in any letter case. */
function anyCase(coding: string): fc.Arbitrary<string> {
  return fc
    .array(fc.boolean(), { minLength: coding.length, maxLength: coding.length })
    .map((upper) => [...coding].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
}

for (const kind of DATABASE_KINDS) {
  describe(`The content coding of a request body (${kind.name})`, function () {
    this.timeout(propertyTimeoutMs(120_000));
    let service: TestService;

    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    async function post(path: string, body: Uint8Array, contentEncoding: string) {
      const response = await fetch(`${service.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${service.defaultToken}`,
          'content-type': 'application/json',
          'content-encoding': contentEncoding,
        },
        body: new Uint8Array(body),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
    }

    /** Every row the service writes: campaigns, their versions and their events. */
    async function stored(): Promise<unknown> {
      return {
        campaigns: await service.db('campaigns').select('id', 'version').orderBy('id'),
        events: (await service.db('outbox').count({ n: '*' }).first())!.n,
      };
    }

    it('refuses a gzip body with 415 naming gzip and Accept-Encoding: identity, and stores nothing', async () => {
      const before = await stored();
      const answer = await post('/api/v1/campaigns', gzipSync(JSON.stringify({ name: 'Zipped', ...fields })), 'gzip');
      expect(answer.status).to.equal(415);
      expect(answer.headers.get('accept-encoding')).to.equal('identity');
      expect(answer.body).to.include({ code: 'UNSUPPORTED_MEDIA_TYPE', requestId: answer.headers.get('x-request-id') });
      expect(answer.body.message).to.contain('gzip');
      expect(await stored()).to.deep.equal(before);
    });

    it('takes a body whose only content coding is identity, in any letter case', async () => {
      await fc.assert(
        fc.asyncProperty(anyCase('identity'), async (identity) => {
          const answer = await post(
            '/api/v1/campaigns',
            Buffer.from(JSON.stringify({ name: 'Plain', ...fields })),
            identity,
          );
          expect(answer.status, answer.text).to.equal(200);
        }),
        propertyParameters(10),
      );
    });

    it('refuses any other content coding with 415 naming it, on every route that reads a body, and changes nothing (generated)', async () => {
      const campaignId = await service.createCampaign();
      const coding = fc.oneof(
        fc.constantFrom('gzip', 'x-gzip', 'deflate', 'br', 'compress', 'zstd').chain(anyCase),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/).filter((c) => c !== 'identity'),
      );
      const header = fc.tuple(coding, fc.constantFrom('before', 'after', 'alone')).map(([c, identity]) => ({
        coding: c,
        header: identity === 'alone' ? c : identity === 'before' ? `identity, ${c}` : `${c}, identity`,
      }));
      const path = fc.constantFrom(
        '/api/v1/campaigns',
        ...['start', 'pause', 'resume', 'terminate', 'delete', 'modify'].map(
          (verb) => `/api/v1/campaigns/${campaignId}/${verb}`,
        ),
      );
      const body = fc.constantFrom(JSON.stringify({ name: 'Coded', ...fields }), '{}');
      await fc.assert(
        fc.asyncProperty(header, path, body, fc.boolean(), async ({ coding: c, header: h }, p, json, zipped) => {
          const before = await stored();
          const answer = await post(p, zipped ? gzipSync(json) : Buffer.from(json), h);
          const context = `${p} Content-Encoding: ${h} -> ${answer.status} ${answer.text}`;
          expect(answer.status, context).to.equal(415);
          expect(answer.body.code, context).to.equal('UNSUPPORTED_MEDIA_TYPE');
          expect(answer.body.message, context).to.contain(c);
          expect(await stored(), context).to.deep.equal(before);
        }),
        propertyParameters(60),
      );
    });
  });
}
