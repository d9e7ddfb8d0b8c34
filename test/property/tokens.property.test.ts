import * as fc from 'fast-check';
import { ALL_SCOPES, SCOPES } from '../../src/adapters/auth/principal.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { expect } from '../support/expect.js';
import { propertyParameters, propertyTimeout } from '../support/property-runs.js';
import { nowSeconds, tokenWithPayload } from '../support/raw-token.js';
import { inDays, TestService } from '../support/test-service.js';

const RUNS = 200;
const TOLERANCE_SECONDS = 5;

/** A claim as raw JSON (undefined: left out) and whether a verifier must accept it. */
interface Claim {
  json: string | undefined;
  acceptable: boolean;
}

const claim = (json: string | undefined, acceptable: boolean): Claim => ({ json, acceptable });

/** `exp`: required, a whole number of seconds in the future. */
const exp = fc.oneof(
  {
    arbitrary: fc
      .integer({ min: 60, max: 10 * 365 * 86_400 })
      .map((ahead) => claim(String(nowSeconds() + ahead), true)),
    weight: 4,
  },
  fc.integer({ min: 60, max: 10 * 365 * 86_400 }).map((ago) => claim(String(nowSeconds() - ago), false)),
  fc.constantFrom(
    claim(undefined, false),
    claim('1e400', false),
    claim('-1e400', false),
    claim('1e300', false),
    claim('null', false),
    claim('true', false),
    claim('"4102444800"', false),
    claim('[4102444800]', false),
    claim(`${nowSeconds() + 600}.5`, false),
    claim('9007199254740993', false),
  ),
);

/** `nbf`: optional, a whole number of seconds not in the future. */
const nbf = fc.oneof(
  { arbitrary: fc.constant(claim(undefined, true)), weight: 3 },
  fc.integer({ min: 60, max: 86_400 }).map((ago) => claim(String(nowSeconds() - ago), true)),
  fc.integer({ min: 60, max: 86_400 }).map((ahead) => claim(String(nowSeconds() + ahead), false)),
  fc.constantFrom(
    claim('-1e400', false),
    claim('1e400', false),
    claim(`${nowSeconds() - 60}.25`, false),
    claim('"0"', false),
    claim('null', false),
  ),
);

/** `iat`: optional, a whole number of seconds not in the future (beyond the clock tolerance). */
const iat = fc.oneof(
  { arbitrary: fc.constant(claim(undefined, true)), weight: 3 },
  fc.integer({ min: -86_400, max: 0 }).map((ago) => claim(String(nowSeconds() + ago), true)),
  fc.integer({ min: 60, max: 86_400 }).map((ahead) => claim(String(nowSeconds() + ahead), false)),
  fc.constantFrom(
    claim('1e400', false),
    claim('-1e400', false),
    claim('0.5', false),
    claim('"now"', false),
    claim('{}', false),
  ),
);

/** The control characters the text rules refuse: C0 but tab, line feed and carriage return; DEL; C1. */
const CONTROL = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
  .filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d)
  .map((c) => String.fromCharCode(c));
const subjectText = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s));

/**
 * `sub`: required, 1 to 255 code points of well-formed text without control characters (the stored-text rules), not
 * only white space (it would name nobody).
 */
const sub = fc.oneof(
  {
    arbitrary: subjectText.map((s) => claim(JSON.stringify(s), [...s].length <= 255 && s.trim() !== '')),
    weight: 4,
  },
  fc.stringMatching(/^[ \t\u00a0\u2003\u3000]{1,5}$/).map((s) => claim(JSON.stringify(s), false)),
  fc.integer({ min: 250, max: 260 }).map((n) => claim(JSON.stringify('s'.repeat(n)), n <= 255)),
  fc.integer({ min: 253, max: 258 }).map((n) => claim(JSON.stringify('😀'.repeat(n)), n <= 255)),
  fc.tuple(subjectText, CONTROL, subjectText).map(([a, c, b]) => claim(JSON.stringify(a + c + b), false)),
  fc.constantFrom(
    claim(undefined, false),
    claim('""', false),
    claim('42', false),
    claim('null', false),
    claim('["alice"]', false),
    claim('"a\\ud800b"', false),
    claim('"\\udc00"', false),
    claim('"a\\u007fb"', false),
    claim('"a\\u0085b"', false),
  ),
);

/** A scope claim's value as raw JSON and the scopes it grants: a space-separated string or an array of strings. */
const scopeClaim = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        fc.subarray([...ALL_SCOPES, SCOPES.write.toUpperCase(), `${SCOPES.write}x`, 'openid']),
        fc.constantFrom('string', 'array'),
      )
      .map(([granted, form]) => ({
        json: JSON.stringify(form === 'string' ? granted.join(' ') : granted),
        granted,
      })),
    weight: 4,
  },
  fc.constantFrom(
    ...['42', 'null', 'true', `{"${SCOPES.write}":true}`, `[["${SCOPES.write}"]]`, `["${SCOPES.write}",1]`].map(
      (json) => ({ json, granted: [] as string[] }),
    ),
  ),
);

/** Both claims that carry scopes, each absent or in any form: the create route needs campaigns:write in either. */
const scopes = fc
  .record({ scope: fc.option(scopeClaim, { nil: undefined }), scp: fc.option(scopeClaim, { nil: undefined }) })
  .map(({ scope, scp }) => ({
    members: { scope: scope?.json, scp: scp?.json },
    grants: [...(scope?.granted ?? []), ...(scp?.granted ?? [])].includes(SCOPES.write),
  }));

for (const kind of DATABASE_KINDS) {
  describe(`Generated token claims (${kind.name})`, function () {
    this.timeout(propertyTimeout(RUNS, 100));
    let service: TestService;

    before(async () => {
      service = await TestService.start(kind, { env: { AUTH_CLOCK_TOLERANCE_SECONDS: String(TOLERANCE_SECONDS) } });
    });
    after(() => service.stop());

    it('let through only a well-formed, current token with the scope, and record its subject exactly', async () => {
      await fc.assert(
        fc.asyncProperty(exp, nbf, iat, sub, scopes, async (e, n, i, s, sc) => {
          const members: Record<string, string | undefined> = {
            exp: e.json,
            nbf: n.json,
            iat: i.json,
            sub: s.json,
            ...sc.members,
          };
          const payload = `{${Object.entries(members)
            .filter(([, json]) => json !== undefined)
            .map(([name, json]) => `"${name}":${json}`)
            .join(',')}}`;
          const wellFormed = e.acceptable && n.acceptable && i.acceptable && s.acceptable;
          const expected = !wellFormed ? 401 : sc.grants ? 200 : 403;
          const answer = await service.request('POST', '/api/v1/campaigns', {
            token: tokenWithPayload(payload),
            body: { name: 'Claims', startAt: inDays(1), endAt: inDays(2) },
          });
          const context = `${payload} -> ${answer.status} ${answer.text}`;
          expect(answer.status, context).to.equal(expected);
          if (expected === 200) {
            const row = await service.db('campaigns').where({ id: answer.body.id }).first();
            expect(row.created_by, context).to.equal(JSON.parse(s.json!));
          } else {
            expect(answer.body.requestId, context).to.equal(answer.headers.get('x-request-id'));
          }
        }),
        propertyParameters(RUNS),
      );
    });
  });
}
