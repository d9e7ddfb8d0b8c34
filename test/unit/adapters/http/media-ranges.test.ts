import fc from 'fast-check';
import { acceptsMediaType } from '../../../../src/adapters/http/media-ranges.js';
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

describe('Which Accept headers ask for the service view', () => {
  it('is the one naming its media type with a quality above zero, in any case, order, spacing and parameters', () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 5 }), fc.boolean(), (ranges, spaced) => {
        const header = ranges.map(written).join(spaced ? ', ' : ',');
        const expected = ranges.some((r) => r.type === WANTED && (r.quality === undefined || r.quality > 0));
        expect(acceptsMediaType(header, WANTED), header).to.equal(expected);
      }),
      propertyParameters(300),
    );
  });

  it('takes q=0 as "not this one"', () => {
    expect(acceptsMediaType(`${WANTED};q=0, application/json`, WANTED)).to.equal(false);
    expect(acceptsMediaType(`application/json, ${WANTED}`, WANTED)).to.equal(true);
  });
});
