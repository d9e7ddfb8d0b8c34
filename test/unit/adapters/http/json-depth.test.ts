import fc from 'fast-check';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../../../src/adapters/http/json-depth.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('The nesting limit of request bodies', () => {
  it(`allows ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1}`, () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH))).to.equal(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).to.equal(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(JSON.stringify({ a: '[[[[{{{{ \\" [[[[' }), 2)).to.equal(false);
  });

  it('measures the depth of any JSON value exactly', () => {
    fc.assert(
      fc.property(fc.jsonValue({ depthSize: 'medium' }), fc.integer({ min: 0, max: 6 }), (value, limit) => {
        expect(nestsDeeperThan(JSON.stringify(value), limit)).to.equal(depthOf(value) > limit);
      }),
      propertyParameters(150),
    );
  });
});
