import fc from 'fast-check';
import { readDates } from '../../../../src/adapters/http/campaign-dates-input.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const two = (n: number) => String(n).padStart(2, '0');

function problemsOf(fields: Record<string, unknown>): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  readDates(fields, (field, message) => problems.push({ field, message }), { stored: undefined });
  return problems;
}

/** A day past the end of its month in a year from 2030 on: February 29 of a common year, April 31, ... */
const dayThatDoesNotExist = fc
  .record({
    year: fc.integer({ min: 2030, max: 9998 }),
    month: fc.integer({ min: 1, max: 12 }),
    past: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ year, month, past }) => ({ year, month, day: new Date(Date.UTC(year, month, 0)).getUTCDate() + past }))
  .filter(({ day }) => day <= 31);

describe('Reading the dates of a body', () => {
  it('says that a date in the right form names no such day, in either form, rather than that its form is wrong', () => {
    fc.assert(
      fc.property(dayThatDoesNotExist, ({ year, month, day }) => {
        const iso = `${year}-${two(month)}-${two(day)}T10:00:00Z`;
        const volt = `${two(month)}/${two(day)}/${year} 10:00:00 AM`;
        for (const [field, value] of [
          ['startAt', iso],
          ['startDateStr', volt],
        ]) {
          const [problem, ...others] = problemsOf({ [field!]: value });
          expect(others, value).to.deep.equal([]);
          expect(problem?.field, value).to.equal(field);
          expect(problem?.message, value).to.match(/^is written in the right form but names no such date/);
        }
      }),
      propertyParameters(200),
    );
  });

  it('names the form expected when the form is wrong', () => {
    expect(problemsOf({ startAt: '2031-03-10T10:00:00' })[0]?.message).to.match(/^must be an ISO-8601 date-time/);
    expect(problemsOf({ startDateStr: '1/1/2031 1:00:00 AM' })[0]?.message).to.match(/^must be in the format/);
  });

  it('reads February 29 of a leap year, in both forms, as that day', () => {
    const given = readDates(
      { startAt: '2032-02-29T10:00:00Z', endDateStr: '02/29/2036 10:00:00 AM' },
      () => {
        throw new Error('no problem expected');
      },
      { stored: undefined },
    );
    expect(given.startAt?.toISOString()).to.equal('2032-02-29T10:00:00.000Z');
    expect(given.endAt?.toISOString()).to.equal('2036-02-29T10:00:00.000Z');
  });

  it('takes dates from the first second every zone shows in year 0001 to the last every zone shows in year 9999', () => {
    const read = (fields: Record<string, unknown>) => {
      const problems: string[] = [];
      const given = readDates(fields, (field, message) => problems.push(`${field} ${message}`), { stored: undefined });
      return { given, problems };
    };
    expect(read({ startAt: '0001-01-01T14:00:00Z' }).given.startAt?.toISOString()).to.equal('0001-01-01T14:00:00.000Z');
    expect(read({ startAt: '0001-01-01T13:59:59.999Z' }).problems).to.deep.equal([
      'startAt must be at least 0001-01-01T14:00:00Z',
    ]);
    expect(read({ zone: 'GMT-14:00', startDateStr: '01/01/0001 12:00:00 AM' }).problems).to.deep.equal([]);
    expect(read({ zone: 'GMT+14:00', startDateStr: '01/01/0001 12:00:00 AM' }).problems).to.deep.equal([
      'startDateStr must be at least 0001-01-01T14:00:00Z',
    ]);
    expect(read({ endAt: '0000-06-01T00:00:00Z' }).problems).to.deep.equal([
      'endAt must be at least 0001-01-01T14:00:00Z',
    ]);
  });
});
