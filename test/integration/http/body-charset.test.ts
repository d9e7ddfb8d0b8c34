import fc from 'fast-check';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { inDays, TestService } from '../../support/test-service.js';

const fields = { startAt: inDays(1), endAt: inDays(30) };

/** A text in any letter case. */
function anyCase(text: string): fc.Arbitrary<string> {
  return fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => [...text].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
}

const jsonType = fc.constantFrom('application/json', 'application/vnd.campaign-service+json').chain(anyCase);

/** What may stand beside a charset in a Content-Type: parameters, empty ones, and pieces that make it no media type. */
const neighbour = fc.constantFrom(
  '',
  ';',
  '; ;',
  '; x=y',
  '; charset=utf-8',
  ';x',
  '; =',
  '; x="unterminated',
  ', text/plain',
  ' trailing',
);

for (const kind of DATABASE_KINDS) {
  describe(`The charset of a JSON body (${kind.name})`, () => {
    let service: TestService;

    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    async function create(contentType: string, body: Buffer) {
      const response = await fetch(`${service.url}/api/v1/campaigns`, {
        method: 'POST',
        headers: { authorization: `Bearer ${service.defaultToken}`, 'content-type': contentType },
        body: new Uint8Array(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    const json = (name: string) => Buffer.from(JSON.stringify({ name, ...fields }));
    const count = async () => Number((await service.db('campaigns').count({ n: '*' }).first())!.n);

    for (const contentType of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=UTF-8',
      'application/json;charset="Utf-8"',
    ]) {
      it(`accepts ${contentType} and stores the text exactly`, async () => {
        const answer = await create(contentType, json('café 😀'));
        expect(answer.status).to.equal(200);
        const read = await service.request('GET', `/api/v1/campaigns/${answer.body.id}`);
        expect(read.body.name).to.equal('café 😀');
      });
    }

    for (const charset of ['iso-8859-1', 'utf-16', 'us-ascii', 'utf8', 'latin1']) {
      it(`refuses charset=${charset} with 415 UNSUPPORTED_MEDIA_TYPE and stores nothing`, async () => {
        const before = await count();
        const body = Buffer.concat([
          Buffer.from('{"name":"caf'),
          Buffer.from([0xe9]),
          Buffer.from(`","startAt":"${fields.startAt}","endAt":"${fields.endAt}"}`),
        ]);
        const answer = await create(`application/json; charset=${charset}`, body);
        expect(answer.status).to.equal(415);
        expect(answer.body).to.include({ code: 'UNSUPPORTED_MEDIA_TYPE' });
        expect(answer.body.requestId).to.be.a('string');
        expect(await count()).to.equal(before);
      });
    }

    it('refuses a charset other than UTF-8 however the Content-Type around it is written, and stores nothing (generated)', async function () {
      this.timeout(propertyTimeoutMs(120_000));
      const charset = fc.constantFrom('utf-16', 'iso-8859-1', 'us-ascii', 'utf8', '"utf-16"').chain(anyCase);
      const contentType = fc
        .tuple(jsonType, neighbour, charset, neighbour)
        .map(([type, before, name, after]) => `${type}${before}; charset=${name}${after}`);
      await fc.assert(
        fc.asyncProperty(contentType, async (header) => {
          const before = await count();
          const answer = await create(header, json('Declared otherwise'));
          expect(answer.status, `${header}: ${JSON.stringify(answer.body)}`).to.equal(415);
          expect(answer.body, header).to.include({ code: 'UNSUPPORTED_MEDIA_TYPE' });
          expect(await count(), header).to.equal(before);
        }),
        propertyParameters(60),
      );
    });

    it('accepts a UTF-8 charset among empty parameters and others, as RFC 9110 writes them (generated)', async () => {
      const parameter = fc.constantFrom('', ' ', '; x=y', ';x="a;b"', '; charset=utf-8', ';charset="UTF-8"');
      const contentType = fc
        .tuple(jsonType, fc.array(parameter, { maxLength: 3 }), fc.boolean())
        .map(
          ([type, parameters, trailing]) => `${type}${parameters.map((p) => `;${p}`).join('')}${trailing ? ';' : ''}`,
        );
      await fc.assert(
        fc.asyncProperty(contentType, async (header) => {
          const answer = await create(header, json('Declared as UTF-8 JSON'));
          expect(answer.status, `${header}: ${JSON.stringify(answer.body)}`).to.equal(200);
        }),
        propertyParameters(30),
      );
    });

    for (const [label, bytes] of [
      ['a lone Latin-1 byte', [0xe9]],
      ['a truncated sequence', [0xf0, 0x9f, 0x98]],
      ['an overlong encoding', [0xc0, 0xaf]],
      ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ] as const) {
      it(`refuses a body with ${label} (not UTF-8) with 400, never replacing it`, async () => {
        const before = await count();
        const body = Buffer.concat([
          Buffer.from('{"name":"caf'),
          Buffer.from(bytes),
          Buffer.from(`","startAt":"${fields.startAt}","endAt":"${fields.endAt}"}`),
        ]);
        const answer = await create('application/json', body);
        expect(answer.status).to.equal(400);
        expect(answer.body).to.include({ code: 'INVALID_REQUEST' });
        expect(answer.body.message).to.match(/UTF-8/);
        expect(await count()).to.equal(before);
      });
    }
  });
}
