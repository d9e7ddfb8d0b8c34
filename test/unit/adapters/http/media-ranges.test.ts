import fc from 'fast-check';
import { prefersMediaType } from '../../../../src/adapters/http/media-ranges.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const WANTED = 'application/vnd.campaign-service+json';

interface Range {
  type: string;
  quality: number | undefined;
  charset: boolean;
  upper: boolean;
  spaces: boolean;
}

const range: fc.Arbitrary<Range> = fc.record({
  type: fc.constantFrom(WANTED, 'application/json', '*/*', 'application/*', `${WANTED}x`, 'text/plain'),
  quality: fc.option(fc.constantFrom(0, 0.001, 0.5, 1), { nil: undefined }),
  charset: fc.boolean(),
  upper: fc.boolean(),
  spaces: fc.boolean(),
});

function written(r: Range): string {
  const gap = r.spaces ? ' ' : '';
  const parameters = [
    ...(r.charset ? ['charset=utf-8'] : []),
    ...(r.quality === undefined ? [] : [`q=${r.quality === 0 ? '0.000' : r.quality}`]),
  ];
  const type = r.upper ? r.type.toUpperCase() : r.type;
  return [type, ...parameters].join(`${gap};${gap}`);
}

/** The quality the ranges give a type: the highest of the most specific ranges matching it (RFC 9110, 12.5.1). */
function qualityOf(ranges: Range[], ...typesMostSpecificFirst: string[]): number | undefined {
  for (const type of typesMostSpecificFirst) {
    const qualities = ranges.filter((r) => r.type === type).map((r) => r.quality ?? 1);
    if (qualities.length > 0) return Math.max(...qualities);
  }
  return undefined;
}

const prefersServiceView = (header: string) => prefersMediaType(header, WANTED, 'application/json');

describe('Which Accept headers ask for the service view', () => {
  it('is one naming its media type with a quality above zero and at least the quality application/json gets, in any case, order, spacing and parameters (generated)', () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 5 }), fc.boolean(), (ranges, spaced) => {
        const header = ranges.map(written).join(spaced ? ', ' : ',');
        const wanted = qualityOf(ranges, WANTED);
        const json = qualityOf(ranges, 'application/json', 'application/*', '*/*') ?? 0;
        const expected = wanted !== undefined && wanted > 0 && wanted >= json;
        expect(prefersServiceView(header), header).to.equal(expected);
      }),
      propertyParameters(300),
    );
  });

  it('takes q=0 as "not this one"', () => {
    expect(prefersServiceView(`${WANTED};q=0, application/json`)).to.equal(false);
    expect(prefersServiceView(`application/json, ${WANTED}`)).to.equal(true);
  });

  it('answers the original form to a client that prefers application/json, by name or through a wildcard', () => {
    expect(prefersServiceView(`application/json;q=0.9, ${WANTED};q=0.1`)).to.equal(false);
    expect(prefersServiceView(`${WANTED};q=0.5, */*`)).to.equal(false);
    expect(prefersServiceView(`${WANTED};q=0.5, application/*;q=0.8`)).to.equal(false);
    expect(prefersServiceView(`${WANTED};q=0.5, application/json;q=0.5`)).to.equal(true);
    expect(prefersServiceView(`${WANTED};q=0.5, text/plain`)).to.equal(true);
    expect(prefersServiceView(`${WANTED};q=0.5, application/json;q=0.1, */*`)).to.equal(true);
  });
});
