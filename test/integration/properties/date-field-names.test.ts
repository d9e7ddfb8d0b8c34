import fc from 'fast-check';
import { formatVoltMxDate, zoneOffsetMinutes } from '../../../src/adapters/http/volt-mx-dates.js';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { TestService } from '../../support/test-service.js';

const DAY_MS = 86_400_000;
const ZONES = ['(GMT+04:30) Kabul', '(GMT) Casablanca', 'GMT-05:00', '(GMT+05:45) Kathmandu', '(GMT-12:00) Baker'];
const START = Date.parse('2031-01-01T09:00:00Z');
const END = Date.parse('2032-01-01T09:00:00Z');

/**
 * A modify that gives one date in the original's form and leaves the other as stored: a start after the stored end,
 * or an end before the stored start (and still in the future).
 */
const conflictingModify = fc.record({
  zone: fc.constantFrom(...ZONES),
  moved: fc.constantFrom('startDateStr', 'endDateStr'),
  days: fc.integer({ min: 1, max: 1_000 }),
  withZone: fc.boolean(),
});

describe("A refused modify names the dates in the original's words when the body gives them in that form", function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  it('names the stored date it left out as startDateStr or endDateStr, never startAt or endAt, and changes nothing', async () => {
    const ids = new Map<string, string>();
    for (const zone of ZONES) {
      const offset = zoneOffsetMinutes(zone)!;
      const created = await service.request('POST', '/api/v1/campaigns', {
        body: {
          name: 'Dates',
          zone,
          startDateStr: formatVoltMxDate(new Date(START), offset),
          endDateStr: formatVoltMxDate(new Date(END), offset),
        },
      });
      expect(created.status, created.text).to.equal(200);
      ids.set(zone, created.body.id);
    }
    await fc.assert(
      fc.asyncProperty(conflictingModify, async ({ zone, moved, days, withZone }) => {
        const id = ids.get(zone)!;
        const before = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).text;
        const instant =
          moved === 'startDateStr' ? END + days * DAY_MS : Math.max(Date.now() + DAY_MS, START - days * DAY_MS);
        const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
          body: {
            [moved]: formatVoltMxDate(new Date(instant), zoneOffsetMinutes(zone)!),
            ...(withZone ? { zone } : {}),
          },
        });
        expect(answer.status, answer.text).to.equal(400);
        expect(answer.body.errors).to.deep.equal([{ field: 'endDateStr', message: 'must be after startDateStr' }]);
        expect(answer.text).not.to.match(/\b(startAt|endAt)\b/);
        expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).text).to.equal(before);
      }),
      propertyParameters(40),
    );
  });
});
