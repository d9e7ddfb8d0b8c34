import fc from 'fast-check';
import { LATEST_DATE } from '../../../../src/adapters/http/campaign-dates-input.js';
import { formatVoltMxDate, parseVoltMxDate, zoneOffsetMinutes } from '../../../../src/adapters/http/volt-mx-dates.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const HOUR_MS = 3_600_000;
const FORMAT = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} (AM|PM)$/;

/** `GMT±hh:mm` in each of its forms, hours from 0 to 15, minutes from 0 to 59. */
const zone = fc
  .tuple(
    fc.constantFrom('+', '-'),
    fc.integer({ min: 0, max: 15 }),
    fc.integer({ min: 0, max: 59 }),
    fc.constantFrom('bare', 'with a city'),
  )
  .map(([sign, hours, minutes, form]) => {
    const offset = `GMT${sign}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
    return form === 'bare' ? offset : `(${offset}) Somewhere`;
  });

/** An instant a campaign may hold, often within the last day before the latest one. */
const instant = fc.oneof(
  fc.integer({ min: Date.parse('2030-01-01T00:00:00Z'), max: LATEST_DATE.getTime() }),
  fc.integer({ min: LATEST_DATE.getTime() - 24 * HOUR_MS, max: LATEST_DATE.getTime() }),
);

describe('Volt MX dates', () => {
  it('writes every date a campaign may hold, in every zone the service accepts, so that it reads back as the same second', () => {
    fc.assert(
      fc.property(zone, instant, (zoneText, ms) => {
        const offset = zoneOffsetMinutes(zoneText);
        if (offset === undefined) return;
        const written = formatVoltMxDate(new Date(ms), offset);
        expect(written, `${zoneText} ${new Date(ms).toISOString()}`).to.match(FORMAT);
        const read = parseVoltMxDate(written, offset);
        expect(read?.getTime(), written).to.equal(Math.floor(ms / 1000) * 1000);
      }),
      propertyParameters(2000),
    );
  });

  it('writes a stored date of any year from 1 with four digits, as MM/dd/yyyy says, and reads it back as the same second', () => {
    // Before year 1000 (and 100, where Date.UTC would read 1900 + the year) only odd stored data reaches these.
    const MIDDAY_OF_YEAR_1 = Date.parse('0001-01-01T12:00:00Z');
    fc.assert(
      fc.property(
        fc.constantFrom(0, 5 * 60 + 30, -(5 * 60)),
        fc.integer({ min: MIDDAY_OF_YEAR_1, max: Date.parse('1999-12-31T23:59:59Z') }),
        (offset, ms) => {
          const written = formatVoltMxDate(new Date(ms), offset);
          expect(written, new Date(ms).toISOString()).to.match(FORMAT);
          expect(parseVoltMxDate(written, offset)?.getTime(), written).to.equal(Math.floor(ms / 1000) * 1000);
        },
      ),
      propertyParameters(2000),
    );
  });

  it('accepts zones up to 14 hours from UTC either way, and none beyond', () => {
    expect(zoneOffsetMinutes('(GMT+14:00) Kiritimati')).to.equal(14 * 60);
    expect(zoneOffsetMinutes('GMT-14:00')).to.equal(-14 * 60);
    expect(zoneOffsetMinutes('(GMT-12:00) Baker Island')).to.equal(-12 * 60);
    expect(zoneOffsetMinutes('(GMT+12:45) Chatham')).to.equal(12 * 60 + 45);
    for (const beyond of ['(GMT+14:01) Nowhere', '(GMT+14:59) Line Islands', 'GMT-14:30', 'GMT+15:00'])
      expect(zoneOffsetMinutes(beyond), beyond).to.equal(undefined);
  });
});
