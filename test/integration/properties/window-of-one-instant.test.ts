import fc from 'fast-check';
import { formatVoltMxDate, zoneOffsetMinutes } from '../../../src/adapters/http/volt-mx-dates.js';
import { TYPES } from '../../../src/composition/types.js';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { TestService } from '../../support/test-service.js';

const ZONES = ['(GMT+04:30) Kabul', '(GMT) Casablanca', 'GMT-05:00', '(GMT+05:45) Kathmandu', '(GMT-12:00) Baker', ''];
const SECOND = 1_000;

/**
 * A create's two dates, in either form, the end a number of seconds after the start (0: the same second, as a
 * client of the original may send them; below 0: before it), the start in the past or ahead.
 */
const window = fc.record({
  zone: fc.constantFrom(...ZONES),
  form: fc.constantFrom('original', 'service'),
  startInDays: fc.integer({ min: -7_000, max: 7_000 }),
  endAfterSeconds: fc.oneof(fc.constant(0), fc.integer({ min: -100_000, max: 100_000 })),
  status: fc.constantFrom('Running', 'Pending', 'Draft', undefined),
});

describe("A create's end date may be its start date, as the original takes it; only an end before the start is refused", function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  it('takes an end at or after the start and reads both back as sent; refuses an end before it, naming the field sent (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(window, async ({ zone, form, startInDays, endAfterSeconds, status }) => {
        const base = Math.floor(Date.now() / SECOND) * SECOND;
        const start = new Date(base + startInDays * 86_400 * SECOND);
        const end = new Date(start.getTime() + endAfterSeconds * SECOND);
        const offset = zoneOffsetMinutes(zone) ?? 0;
        const dates =
          form === 'original'
            ? { startDateStr: formatVoltMxDate(start, offset), endDateStr: formatVoltMxDate(end, offset) }
            : { startAt: start.toISOString(), endAt: end.toISOString() };
        const answer = await service.request('POST', '/api/v1/campaigns', {
          body: { name: 'Window', zone, ...dates, ...(status === undefined ? {} : { status }) },
        });
        if (endAfterSeconds < 0) {
          const [startField, endField] = form === 'original' ? ['startDateStr', 'endDateStr'] : ['startAt', 'endAt'];
          expect(answer.status, answer.text).to.equal(400);
          expect(answer.body.errors).to.deep.equal([{ field: endField, message: `must not be before ${startField}` }]);
          return;
        }
        expect(answer.status, answer.text).to.equal(200);
        const read = await service.request('GET', `/api/v1/campaigns/${answer.body.id}?view=service`);
        expect(read.status, read.text).to.equal(200);
        expect(read.body).to.deep.include({ startAt: start.toISOString(), endAt: end.toISOString() });
        expect(read.body).to.deep.include({
          startDateStr: formatVoltMxDate(start, offset),
          endDateStr: formatVoltMxDate(end, offset),
        });
      }),
      propertyParameters(60),
    );
  });

  it("takes the same second twice in the original's form, and the schedule's next run completes it unstarted once it has come", async () => {
    const same = '05/24/2016 04:38:51 PM';
    const created = await service.request('POST', '/api/v1/campaigns', {
      body: { name: 'One instant', zone: '(GMT+04:30) Kabul', startDateStr: same, endDateStr: same, status: 'Running' },
    });
    expect(created.status, created.text).to.equal(200);
    const read = await service.request('GET', `/api/v1/campaigns/${created.body.id}`);
    expect(read.body).to.deep.include({ startDateStr: same, endDateStr: same, status: 'Pending' });
    await service.running.container.get(TYPES.RunSchedule).execute();
    const after = await service.request('GET', `/api/v1/campaigns/${created.body.id}`);
    expect(after.body).to.deep.include({ startDateStr: same, endDateStr: same, status: 'Completed' });
    const history = await service.request('GET', `/api/v1/campaigns/${created.body.id}/events`);
    expect(history.body.events[0]).to.deep.include({ type: 'CampaignCompleted' });
    expect(history.body.events[0].data).to.deep.include({ started: false });
  });

  it('takes a modify that moves the end onto the stored start, and refuses one a second before it', async () => {
    const start = new Date(Math.floor(Date.now() / SECOND) * SECOND + 86_400 * SECOND);
    const created = await service.request('POST', '/api/v1/campaigns', {
      body: {
        name: 'Shrinking',
        startAt: start.toISOString(),
        endAt: new Date(start.getTime() + 3_600_000).toISOString(),
      },
    });
    expect(created.status, created.text).to.equal(200);
    const onto = await service.request('POST', `/api/v1/campaigns/${created.body.id}/modify`, {
      body: { endDateStr: formatVoltMxDate(start, 0) },
    });
    expect(onto.status, onto.text).to.equal(200);
    const before = await service.request('POST', `/api/v1/campaigns/${created.body.id}/modify`, {
      body: { endDateStr: formatVoltMxDate(new Date(start.getTime() - SECOND), 0) },
    });
    expect(before.status, before.text).to.equal(400);
    expect(before.body.errors).to.deep.equal([{ field: 'endDateStr', message: 'must not be before startDateStr' }]);
  });
});
