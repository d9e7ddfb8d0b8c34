import fc from 'fast-check';
import { mintToken } from '../../../src/adapters/auth/token-minter.js';
import { zoneOffsetMinutes } from '../../../src/adapters/http/volt-mx-dates.js';
import { storableTextProblem } from '../../../src/domain/storable-text.js';
import { POSTGRES, SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { type Answer, TEST_SECRET, TestService } from '../../support/test-service.js';

/** Pieces the generated texts are made of: the characters that broke storage before, and ordinary ones. */
const PIECES = [
  'a',
  'Z',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u00e9',
  'e\u0301',
  '\u0301',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '🎉',
  '𝄞',
  '\u{10ffff}',
  '\ufeff',
  '\ufffd',
  '\u2028',
  '中',
  '"',
  '\\',
];

const piece = fc.constantFrom(...PIECES);
const text: fc.Arbitrary<string> = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 20 }).map((points) => String.fromCodePoint(...points)),
  // lengths around the 255 limit, in one- and two-unit characters and with a bad one somewhere
  fc
    .tuple(
      fc.integer({ min: 250, max: 260 }),
      fc.constantFrom('a', '🎉', 'é', '中'),
      fc.option(piece, { nil: undefined }),
      fc.nat(),
    )
    .map(([length, unit, odd, at]) => {
      const units: string[] = Array.from({ length }, () => unit);
      if (odd !== undefined) units[at % length] = odd;
      return units.join('');
    }),
);

/** What the service must do with a name, description and zone, by the documented rules. */
function accepted(name: string, description: string | null, zone: string | null = null): boolean {
  const nameOk = name.trim().length > 0 && storableTextProblem(name, 255) === undefined;
  const descriptionOk = description === null || storableTextProblem(description, 10_000) === undefined;
  const zoneOk =
    zone === null || (storableTextProblem(zone, 64) === undefined && zoneOffsetMinutes(zone) !== undefined);
  return nameOk && descriptionOk && zoneOk;
}

/** A Volt MX zone, `(GMT+04:30) <generated text>`. */
const zone = text.map((place) => `(GMT+04:30) ${place}`);

/** JSON bodies a parser can get wrong: deep nesting, huge numbers, duplicate keys, `__proto__`. */
const awkwardBody: fc.Arbitrary<string> = fc.oneof(
  fc
    .integer({ min: 1, max: 6000 })
    .map((depth) => `{"name":"deep","description":null,"x":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.integer({ min: 1, max: 3000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc
    .constantFrom('1e400', '-1e400', '123456789012345678901234567890', '1e-400', '0.1e1', '9007199254740993', '-0')
    .chain((n) =>
      fc.constantFrom(
        `{"name":"n","x":${n}}`,
        `{"name":${n}}`,
        `{"name":"n","description":${n}}`,
        `{"name":"n","id":${n}}`,
      ),
    ),
  fc
    .tuple(text, text)
    .chain(([a, b]) =>
      fc.constantFrom(
        `{"name":${JSON.stringify(a)},"name":${JSON.stringify(b)}}`,
        `{"name":"dup","description":${JSON.stringify(a)},"description":${JSON.stringify(a)}}`,
        `{"__proto__":{"name":${JSON.stringify(a)}},"name":"proto"}`,
        `{"name":"proto","__proto__":{"status":"draft","description":${JSON.stringify(b)}}}`,
        `{"name":"proto","constructor":{"prototype":{"status":"draft"}}}`,
        `{"name":${JSON.stringify(a)},"description":${JSON.stringify(b)}}`,
      ),
    ),
);

describe('Generated texts and JSON bodies answer alike on SQLite and PostgreSQL, and what is accepted reads back exactly', function () {
  this.timeout(propertyTimeoutMs(120_000));
  const services: TestService[] = [];
  before(async () => {
    services.push(await TestService.start(SQLITE), await TestService.start(POSTGRES));
  });
  after(() => Promise.all(services.map((service) => service.stop())));

  /** The same request to both services; the answers and, for a 200, what each one stored. */
  async function onBoth(
    send: (service: TestService) => Promise<Answer>,
  ): Promise<Array<{ answer: Answer; stored?: any }>> {
    return Promise.all(
      services.map(async (service) => {
        const answer = await send(service);
        expect(answer.status, `${answer.status} ${answer.text}`).to.be.below(500);
        if (answer.status >= 400) expect(answer.body).to.include.keys('code', 'message', 'requestId');
        const stored =
          answer.status === 200 && answer.body?.id
            ? (await service.request('GET', `/api/v1/campaigns/${answer.body.id}?view=service`)).body
            : undefined;
        return { answer, stored };
      }),
    );
  }

  const comparable = (result: { answer: Answer; stored?: any }) => ({
    status: result.answer.status,
    code: result.answer.body?.code,
    errors: result.answer.body?.errors,
    stored:
      result.stored &&
      (({ name, description, zone, status, createdBy, updatedBy }) => ({
        name,
        description,
        zone,
        status,
        createdBy,
        updatedBy,
      }))(result.stored),
  });

  function expectAlike(sqlite: { answer: Answer; stored?: any }, postgres: { answer: Answer; stored?: any }): void {
    const [onSqlite, onPostgres] = [comparable(sqlite), comparable(postgres)];
    expect(onPostgres, `SQLite ${JSON.stringify(onSqlite)}, PostgreSQL ${JSON.stringify(onPostgres)}`).to.deep.equal(
      onSqlite,
    );
  }

  it('creates: the same status on both, 200 exactly when the text rules allow it, and the texts read back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.option(text, { nil: null }),
        fc.option(zone, { nil: null }),
        async (name, description, zone) => {
          const [sqlite, postgres] = await onBoth((service) =>
            service.request('POST', '/api/v1/campaigns', { body: { name, description, zone } }),
          );
          expectAlike(sqlite!, postgres!);
          expect(sqlite!.answer.status).to.equal(accepted(name, description, zone) ? 200 : 400);
          if (sqlite!.answer.status === 200) {
            expect(sqlite!.stored).to.include({ name, description, zone });
            expect(postgres!.stored).to.include({ name, description, zone });
          }
        },
      ),
      propertyParameters(60),
    );
  });

  it('takes a token subject alike on both: 401 at the door unless it is storable and names someone, recorded exactly when it is', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (subject) => {
        const token = await mintToken({ secret: TEST_SECRET, subject });
        const [sqlite, postgres] = await onBoth((service) =>
          service.request('POST', '/api/v1/campaigns', { body: { name: 'n' }, token }),
        );
        expectAlike(sqlite!, postgres!);
        const storable = subject.trim() !== '' && storableTextProblem(subject, 255) === undefined;
        expect(sqlite!.answer.status).to.equal(storable ? 200 : 401);
        if (storable) expect([sqlite!.stored.createdBy, postgres!.stored.createdBy]).to.deep.equal([subject, subject]);
      }),
      propertyParameters(40),
    );
  });

  it('modifies: the same status on both, and a refused text leaves the stored one as it was', async () => {
    const ids = await Promise.all(services.map((service) => service.createCampaign({ description: 'before' })));
    await fc.assert(
      fc.asyncProperty(
        fc.option(text, { nil: undefined }),
        fc.option(text, { nil: null }),
        async (name, description) => {
          const body = { ...(name !== undefined ? { name } : {}), description };
          const results = await Promise.all(
            services.map(async (service, i) => {
              const answer = await service.request('POST', `/api/v1/campaigns/${ids[i]}/modify`, { body });
              expect(answer.status, answer.text).to.be.below(500);
              const stored = (await service.request('GET', `/api/v1/campaigns/${ids[i]}?view=service`)).body;
              return { answer, stored };
            }),
          );
          const [sqlite, postgres] = results;
          expectAlike(sqlite!, postgres!);
          expect(sqlite!.answer.status).to.equal(accepted(name ?? 'kept', description) ? 200 : 400);
          if (sqlite!.answer.status === 200) {
            for (const { stored } of results) {
              expect(stored.description).to.equal(description);
              if (name !== undefined) expect(stored.name).to.equal(name);
            }
          }
        },
      ),
      propertyParameters(40),
    );
  });

  it('takes awkward JSON alike on both: never a 5xx, the same status and the same stored fields', async () => {
    await fc.assert(
      fc.asyncProperty(awkwardBody, async (raw) => {
        const [sqlite, postgres] = await onBoth((service) =>
          service.request('POST', '/api/v1/campaigns', {
            rawBody: raw,
            headers: { 'content-type': 'application/json' },
          }),
        );
        expectAlike(sqlite!, postgres!);
        expect(sqlite!.answer.text, 'an internal error shown to the client').not.to.match(
          /call stack|TypeError|RangeError/i,
        );
        if (sqlite!.answer.status === 200) {
          const parsedName = (JSON.parse(raw) as { name: string }).name;
          expect(sqlite!.stored.name).to.equal(parsedName);
        }
      }),
      propertyParameters(60),
    );
  });
});
