import fc from 'fast-check';
import { parseMediaType } from '../../../../src/adapters/http/media-type.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,8}$/);
/** A parameter value as written (a token, or a quoted-string with escapes) and the value it spells. */
const value = fc.oneof(
  token.map((t) => ({ written: t, spelled: t })),
  fc
    .array(fc.constantFrom('a', ' ', ';', ',', '=', '\\"', '\\\\', '\t', 'é'), { maxLength: 6 })
    .map((parts) => ({ written: `"${parts.join('')}"`, spelled: parts.join('').replace(/\\(.)/g, '$1') })),
);
const parameter = fc.record({ name: token, value });
const whitespace = fc.constantFrom('', ' ', '\t', '  ');

describe('parseMediaType', () => {
  it('reads every media type RFC 9110 writes: its type, and each parameter in order, empty ones skipped (generated)', () => {
    fc.assert(
      fc.property(
        token,
        token,
        fc.array(fc.tuple(whitespace, fc.option(parameter, { nil: undefined }), whitespace), { maxLength: 4 }),
        (type, subtype, parameters) => {
          const header = `${type}/${subtype}${parameters
            .map(([before, p, after]) => `${before};${after}${p === undefined ? '' : `${p.name}=${p.value.written}`}`)
            .join('')}`;
          const parsed = parseMediaType(header);
          expect(parsed, header).to.deep.equal({
            essence: `${type}/${subtype}`.toLowerCase(),
            parameters: parameters.flatMap(([, p]) => (p === undefined ? [] : [[p.name, p.value.spelled]])),
          });
        },
      ),
      propertyParameters(300),
    );
  });

  it('reads nothing from a header that is not a media type', () => {
    for (const header of [
      '',
      'json',
      'application/',
      '/json',
      ';;;',
      'application/json; charset=utf-16; =',
      'application/json;charset=utf-16;x',
      'application/json; charset="utf-16',
      'application/json; charset=utf-16, text/plain',
      'application/json; charset=',
      'application/json ; charset = utf-16',
      'application/json; charset=utf-16 x',
      'application/json, text/plain',
    ]) {
      expect(parseMediaType(header), header).to.equal(undefined);
    }
  });
});
