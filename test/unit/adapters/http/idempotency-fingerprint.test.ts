import fc from 'fast-check';
import { parse, parseNumberAndBigInt } from 'lossless-json';
import { canonicalJson, requestFingerprint } from '../../../../src/adapters/http/idempotency-fingerprint.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const parsed = (text: string) => ({ json: parse(text, null, parseNumberAndBigInt) });
const fingerprint = (query: string, body?: string) =>
  requestFingerprint('POST', '/campaigns/42/modify', query, body === undefined ? undefined : parsed(body));

describe('The request fingerprint of an Idempotency-Key', () => {
  it('names the method and the resource, then a digest', () => {
    expect(fingerprint('', '{}')).to.match(/^POST \/campaigns\/42\/modify [A-Za-z0-9_-]{43}$/);
  });

  it('ignores key order and whitespace in the body', () => {
    expect(fingerprint('', '{"a":1,"b":{"c":[1,2],"d":"x"}}')).to.equal(
      fingerprint('', ' {\n "b" : { "d":"x", "c":[ 1, 2 ] },\t"a":1 } '),
    );
  });

  it('tells apart another value, another array order, a body from none, and {} from none', () => {
    const all = [
      fingerprint('', '{"a":1}'),
      fingerprint('', '{"a":2}'),
      fingerprint('', '[1,2]'),
      fingerprint('', '[2,1]'),
      fingerprint(''),
      fingerprint('', '{}'),
    ];
    expect(new Set(all).size).to.equal(all.length);
  });

  it('reads the query decoded and in any order, and tells restart=true from none and from restart=false', () => {
    expect(fingerprint('restart=true&x=1', '{}')).to.equal(fingerprint('x=1&restart=%74rue', '{}'));
    expect(
      new Set([fingerprint('restart=true', '{}'), fingerprint('', '{}'), fingerprint('restart=false', '{}')]).size,
    ).to.equal(3);
  });

  it('keeps 64-bit integers exact', () => {
    expect(fingerprint('', '{"id":9007199254740993}')).not.to.equal(fingerprint('', '{"id":9007199254740992}'));
  });

  it('gives any JSON value, reordered and reformatted, the same canonical form', () => {
    const shuffled = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(shuffled);
      if (value !== null && typeof value === 'object')
        return Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, shuffled(v)]),
        );
      return value;
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 1, 2), (value, indent) => {
        const text = JSON.stringify(value);
        const other = JSON.stringify(shuffled(value), null, indent);
        expect(canonicalJson(parsed(other).json)).to.equal(canonicalJson(parsed(text).json));
      }),
      propertyParameters(200),
    );
  });
});
