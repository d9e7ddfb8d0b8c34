import fc from 'fast-check';
import { parse } from 'lossless-json';
import { jsonNumber, parseExactJson } from '../../src/adapters/http/exact-json.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

/** Numbers as clients write them: safe and unsafe integers, doubles, and texts no double holds. */
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
  fc.constantFrom(
    '-0',
    '0.1',
    '1E5',
    '1e+2',
    '-1.5e-3',
    '1e400',
    '-1e-400',
    '2000.0000000000001',
    '9007199254740993',
    '-9007199254740993',
    '0.30000000000000004',
    '123456789012345678901234567890.5',
  ),
);

/** Strings with escapes of every kind, lone surrogates and quotes included. */
const stringText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }).map((text) => JSON.stringify(text)),
  fc.constantFrom('"\\u0061"', '"\\\\"', '"\\""', '"a\\\\\\"b"', '"\\ud800"', '"\\/"', '"7777777777777777777777"'),
);

/** Keys from a few names, so that objects often repeat one, some written with escapes. */
const keyText = fc.oneof(
  fc.constantFrom('"a"', '"\\u0061"', '"b"', '"__proto__"', '"\\u005f_proto__"', '"constructor"', '"id"'),
  stringText,
);

const space = fc.constantFrom('', ' ', '\n', '\t ', '\r\n');

const { value: jsonText } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    numberText,
    stringText,
    fc.constantFrom('true', 'false', 'null'),
    tie('array'),
    tie('object'),
  ),
  array: fc
    .tuple(fc.array(tie('value'), { maxLength: 4 }), space)
    .map(([items, ws]) => `[${ws}${items.join(`,${ws}`)}${ws}]`),
  object: fc
    .tuple(fc.array(fc.tuple(keyText, tie('value')), { maxLength: 4 }), space)
    .map(([entries, ws]) => `{${ws}${entries.map(([key, value]) => `${key}${ws}:${value}`).join(`,${ws}`)}${ws}}`),
}));

/** The text, or the text with one character taken out or put in: JSON, and what is almost JSON. */
const bodyText = fc.oneof(
  jsonText,
  fc
    .tuple(jsonText, fc.nat(), fc.constantFrom('', '"', ',', ':', '{', ']', '\\', '-', '0', 'e', ' '))
    .map(([text, at, put]) => {
      const i = at % (text.length + 1);
      return put === '' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + put + text.slice(i);
    }),
);

function outcome(read: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('A request body read as JSON', () => {
  it('is read as lossless-json reads it, whatever the text: the same value, or the same refusal (generated)', () => {
    fc.assert(
      fc.property(bodyText, (text) => {
        expect(
          outcome(() => parseExactJson(text)),
          text,
        ).to.deep.equal(outcome(() => parse(text, null, jsonNumber)));
      }),
      propertyParameters(3_000),
    );
  });

  it('keeps integers beyond 2^53 exact, and refuses a key written twice with two values', () => {
    expect(parseExactJson('{"id": 9007199254740993}')).to.deep.equal({ id: 9007199254740993n });
    expect(() => parseExactJson('{"a": 1, "\\u0061": 2}')).to.throw(/Duplicate key/);
    expect(parseExactJson('{"a": 1, "a": 1}')).to.deep.equal({ a: 1 });
  });
});
