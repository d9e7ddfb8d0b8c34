import fc from 'fast-check';
import { formatVoltMxDate, zoneOffsetMinutes } from '../../../src/adapters/http/volt-mx-dates.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
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
        expect(answer.body.errors).to.deep.equal([{ field: 'endDateStr', message: 'must not be before startDateStr' }]);
        expect(answer.text).not.to.match(/\b(startAt|endAt)\b/);
        expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).text).to.equal(before);
      }),
      propertyParameters(40),
    );
  });
});

/** What a restart of a campaign whose end has passed may carry: nothing, no dates, or an end date that has passed. */
const restartBody = fc.oneof(
  fc.constant({ kind: 'no body' as const }),
  fc.constantFrom({}, { name: 'Again' }, { description: 'once more', zone: 'GMT+01:00' }).map((body) => ({
    kind: 'no dates' as const,
    body,
  })),
  fc.constantFrom('endAt', 'endDateStr').map((field) => ({ kind: 'a past end' as const, field })),
);

describe("A refused restart names the end date in the client's words, and in the original's when it sent none", function () {
  this.timeout(propertyTimeoutMs(120_000));
  const clock = new FixedClock(new Date());
  let service: TestService;
  before(async () => {
    service = await TestService.start(SQLITE, { clock });
  });
  after(() => service.stop());

  it('names endDateStr for a restart without a body or without dates, endAt only when the client sent endAt', async () => {
    await fc.assert(
      fc.asyncProperty(restartBody, async (restart) => {
        clock.set(new Date());
        const startsAt = clock.now().getTime() + 60_000;
        const created = await service.request('POST', '/api/v1/campaigns', {
          body: {
            name: 'Ends soon',
            startAt: new Date(startsAt).toISOString(),
            endAt: new Date(startsAt + 60_000).toISOString(),
          },
        });
        const id = created.body.id as string;
        expect((await service.request('POST', `/api/v1/campaigns/${id}/start`)).status).to.equal(200);
        expect((await service.request('POST', `/api/v1/campaigns/${id}/terminate`)).status).to.equal(200);
        clock.advance(10 * 60_000);
        const pastEnd = new Date(clock.now().getTime() - 60_000);
        const body =
          restart.kind === 'no body'
            ? undefined
            : restart.kind === 'no dates'
              ? restart.body
              : { [restart.field]: restart.field === 'endAt' ? pastEnd.toISOString() : formatVoltMxDate(pastEnd, 0) };
        const before = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).text;

        const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify?restart=true`, {
          ...(body === undefined ? {} : { body }),
        });

        const named = restart.kind === 'a past end' ? restart.field : 'endDateStr';
        expect(answer.status, answer.text).to.equal(400);
        expect(answer.body.errors.map((e: { field: string }) => e.field)).to.deep.equal([named]);
        expect(answer.text).not.to.match(named === 'endAt' ? /\b(startDateStr|endDateStr)\b/ : /\b(startAt|endAt)\b/);
        expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).text).to.equal(before);
      }),
      propertyParameters(30),
    );
  });
});
