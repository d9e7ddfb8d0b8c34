import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { CampaignId } from '../../src/domain/index.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

const MAX_LONG = '9223372036854775807';

/** Every `pattern` in the document that describes a long id: those whose first accepted digit is 1 to 9. */
function idPatterns(file: string): string[] {
  const document = parse(readFileSync(new URL(`../../../docs/${file}`, import.meta.url), 'utf8'));
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string' && /^\^(\(\?:)?\[1-9\]/.test(value)) found.add(value);
        else visit(value);
      }
    }
  };
  visit(document);
  return [...found];
}

/** Decimal texts around the edges of a long: short ones, 19 digits near the largest, 20 digits, leading zeros. */
const idLike = fc.oneof(
  fc.stringMatching(/^[0-9]{1,20}$/),
  fc
    .tuple(fc.integer({ min: 0, max: 19 }), fc.stringMatching(/^[0-9]{0,19}$/))
    .map(([kept, rest]) => (MAX_LONG.slice(0, kept) + rest).slice(0, 20)),
  fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
  fc.constantFrom(MAX_LONG, '9223372036854775808', '9999999999999999999', '0', '-1', '01'),
);

for (const file of ['openapi.yaml', 'asyncapi.yaml']) {
  describe(`The id patterns of docs/${file}`, () => {
    const patterns = idPatterns(file);

    it('are there to check', () => {
      expect(patterns).not.to.be.empty;
    });

    it('accept exactly the ids the service accepts: 1 to 2^63 − 1 in canonical decimal form (generated)', () => {
      for (const pattern of patterns) {
        const matches = new RegExp(pattern);
        fc.assert(
          fc.property(idLike, (text) => {
            expect(matches.test(text), `${text} against ${pattern}`).to.equal(CampaignId.isCanonical(text));
          }),
          propertyParameters(2000),
        );
      }
    });
  });
}
