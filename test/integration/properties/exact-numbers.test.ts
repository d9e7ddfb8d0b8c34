import fc from 'fast-check';
import { isLosslessNumber, parse } from 'lossless-json';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { type Answer, TestService } from '../../support/test-service.js';

/** A decimal's exact value: `digits × 10^exponent`, trailing zeros moved into the exponent; zero has no sign. */
interface ExactDecimal {
  digits: bigint;
  exponent: number;
}

function exactDecimal(text: string): ExactDecimal {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) throw new Error(`not a JSON number: ${text}`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = BigInt(`${sign}${whole}${fraction}`);
  let power = Number(exponent) - fraction.length;
  if (digits === 0n) return { digits: 0n, exponent: 0 };
  while (digits % 10n === 0n) {
    digits /= 10n;
    power++;
  }
  return { digits, exponent: power };
}

const sameValue = (a: string, b: string) => {
  const [x, y] = [exactDecimal(a), exactDecimal(b)];
  return x.digits === y.digits && x.exponent === y.exponent;
};

/** The integer a decimal writes, or undefined when it writes a fraction. */
function integerOf(text: string): bigint | undefined {
  const { digits, exponent } = exactDecimal(text);
  if (exponent >= 0) return exponent > 400 ? undefined : digits * 10n ** BigInt(exponent);
  return digits === 0n ? 0n : undefined;
}

/** A double holds the number as written: its shortest form, what the service writes back, has the same value. */
function doubleHolds(text: string): boolean {
  const double = Number(text);
  return Number.isFinite(double) && sameValue(String(double).replace('e+', 'e'), text);
}

const isPlainInteger = (text: string) => /^-?\d+$/.test(text);

/** JSON numbers of every shape: long integers and fractions, exponents past a double's range, and the edges. */
const numberText: fc.Arbitrary<string> = fc.oneof(
  fc
    .record({
      negative: fc.boolean(),
      whole: fc.stringMatching(/^(0|[1-9]\d{0,24})$/),
      fraction: fc.option(fc.stringMatching(/^\d{1,22}$/), { nil: undefined }),
      exponent: fc.option(fc.integer({ min: -420, max: 420 }), { nil: undefined }),
      // Python's json.dumps writes 1e+16, Jackson 1.0E16: every way JSON allows an exponent to be written.
      exponentMark: fc.constantFrom('e', 'E', 'e+', 'E+'),
    })
    .map(
      ({ negative, whole, fraction, exponent, exponentMark }) =>
        `${negative ? '-' : ''}${whole}${fraction === undefined ? '' : `.${fraction}`}${exponent === undefined ? '' : `${exponent < 0 ? exponentMark[0] : exponentMark}${exponent}`}`,
    ),
  fc.constantFrom(
    '2000.0',
    '2000.0000000000001',
    '1e3',
    '1e400',
    '1e-400',
    '9007199254740991',
    '9007199254740993',
    '9007199254740993.0',
    '9223372036854775807',
    '9223372036854775808',
    '0.1',
    '5e-324',
    '1.7976931348623157e308',
    '1.7976931348623157e+308',
    '1e+16',
    '1e+22',
    '1E300',
    '1.0E16',
    '10000000000000000',
    '1152921504606846976',
  ),
);

for (const kind of DATABASE_KINDS) {
  describe(`A JSON number is taken as the value it writes or refused naming its field, never rounded (generated, ${kind.name})`, function () {
    this.timeout(propertyTimeoutMs(120_000));
    let service: TestService;
    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    const create = (body: string) =>
      service.request('POST', '/api/v1/campaigns', { rawBody: body, headers: JSON_TYPE });
    const refusedNaming = (answer: Answer, field: string) => {
      expect(answer.status, answer.text).to.equal(400);
      expect(answer.body.code).to.equal('VALIDATION_FAILED');
      expect(answer.body.errors.map((error: { field: string }) => error.field)).to.include(field);
    };

    it('an imported id: the exact integer, none for 0 (a Java long left unset), or 400 naming id', async () => {
      await fc.assert(
        fc.asyncProperty(numberText, async (number) => {
          const answer = await create(`{"name":"n","id":${number}}`);
          const value = integerOf(number);
          const canonical = value !== undefined && value >= 1n && value < 2n ** 63n;
          const exact = isPlainInteger(number) || (doubleHolds(number) && Number.isSafeInteger(Number(number)));
          if (value === 0n && exact) {
            expect(answer.status, answer.text).to.equal(200);
            expect(answer.body.id, 'an id of its own').to.match(/^[1-9][0-9]*$/);
            await service.request('POST', `/api/v1/campaigns/${answer.body.id}/delete`);
            return;
          }
          if (!(canonical && exact)) return refusedNaming(answer, 'id');
          expect(answer.status, answer.text).to.equal(200);
          expect(answer.body.id).to.equal(value!.toString());
          await service.request('POST', `/api/v1/campaigns/${answer.body.id}/delete`);
        }),
        propertyParameters(80),
      );
    });

    it('an imported id written as a string: taken as the number it writes would be, 0 as none', async () => {
      const integerText = fc.oneof(
        fc.bigInt({ min: -3n, max: 2n ** 64n }).map(String),
        fc.constantFrom('0', '1', '9223372036854775807', '9223372036854775808'),
      );
      await fc.assert(
        fc.asyncProperty(integerText, async (integer) => {
          const outcome = async (id: string) => {
            const answer = await create(`{"name":"n","id":${id}}`);
            if (answer.status === 200) await service.request('POST', `/api/v1/campaigns/${answer.body.id}/delete`);
            return {
              status: answer.status,
              id: answer.status !== 200 ? undefined : integer === '0' ? 'an id of its own' : answer.body.id,
            };
          };
          expect(await outcome(`"${integer}"`), integer).to.deep.equal(await outcome(integer));
        }),
        propertyParameters(40),
      );
    });

    it('a number in a free-form object: read back with the same value, or 400 naming its place', async () => {
      await fc.assert(
        fc.asyncProperty(numberText, async (number) => {
          const answer = await create(`{"name":"n","campaignPasses":[{"passName":"p","passContent":{"n":${number}}}]}`);
          if (!doubleHolds(number)) return refusedNaming(answer, 'campaignPasses[0].passContent.n');
          expect(answer.status, answer.text).to.equal(200);
          const read = await service.request('GET', `/api/v1/campaigns/${answer.body.id}?view=service`);
          const kept = (parse(read.text) as any).campaignPasses[0].passContent.n;
          expect(isLosslessNumber(kept), read.text).to.equal(true);
          expect(sameValue(kept.value, number), `${number} read back as ${kept.value}`).to.equal(true);
        }),
        propertyParameters(80),
      );
    });

    it('a delivery counter: taken when it writes a whole number of at least 0, refused naming it otherwise', async () => {
      await fc.assert(
        fc.asyncProperty(numberText, async (number) => {
          const answer = await create(`{"name":"n","campaignPasses":[{"passName":"p","passSent":${number}}]}`);
          const value = integerOf(number);
          const whole = value !== undefined && value >= 0n && (isPlainInteger(number) || doubleHolds(number));
          if (!whole) return refusedNaming(answer, 'campaignPasses[0].passSent');
          expect(answer.status, answer.text).to.equal(200);
        }),
        propertyParameters(60),
      );
    });
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
