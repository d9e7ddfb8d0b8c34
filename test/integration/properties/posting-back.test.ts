import fc from 'fast-check';
import { EARLIEST_DATE, LATEST_DATE } from '../../../src/adapters/http/campaign-dates-input.js';
import { formatVoltMxDate, zoneOffsetMinutes } from '../../../src/adapters/http/volt-mx-dates.js';
import { POSTGRES, SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { TestService } from '../../support/test-service.js';

const DAY_MS = 86_400_000;
const ZONES = [null, 'GMT+14:00', 'GMT-12:00', '(GMT+04:30) Kabul', '(GMT) Casablanca', '(GMT+05:45) Kathmandu'];

/**
 * A date from a few days before the earliest a campaign may hold to a few days past the latest, with its
 * milliseconds: around now, around either bound, or anywhere between.
 */
const date = fc.oneof(
  fc.integer({ min: -2 * DAY_MS, max: 2 * DAY_MS }).map((ms) => Date.now() + ms),
  fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }).map((ms) => EARLIEST_DATE.getTime() + ms),
  fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }).map((ms) => LATEST_DATE.getTime() + ms),
  fc.integer({ min: EARLIEST_DATE.getTime() - 3 * DAY_MS, max: LATEST_DATE.getTime() + 3 * DAY_MS }),
);

const campaign = fc.record({
  zone: fc.constantFrom(...ZONES),
  startAt: fc.option(date, { nil: null }),
  endAfterMs: fc.option(fc.integer({ min: 1, max: 400 * DAY_MS }), { nil: null }),
  state: fc.constantFrom('Draft', 'Pending', 'started and paused'),
});

describe('Posting back a campaign as read changes nothing, whatever its dates, zone and state', function () {
  this.timeout(propertyTimeoutMs(180_000));
  for (const kind of [SQLITE, POSTGRES]) {
    describe(kind.name, () => {
      let service: TestService;
      before(async () => {
        service = await TestService.start(kind);
      });
      after(() => service.stop());

      const read = (id: string, view = '') => service.request('GET', `/api/v1/campaigns/${id}${view}`);
      async function startAndPause(id: string): Promise<void> {
        for (const verb of ['start', 'pause']) {
          const answer = await service.request('POST', `/api/v1/campaigns/${id}/${verb}`);
          expect(answer.status, answer.text).to.equal(200);
        }
      }

      it('refuses a date before the earliest or past the latest every zone shows with four digits, and keeps every other one to the millisecond', async () => {
        await fc.assert(
          fc.asyncProperty(campaign, async ({ zone, startAt, endAfterMs, state: asked }) => {
            const endAt = startAt !== null && endAfterMs !== null ? startAt + endAfterMs : null;
            // A campaign whose end date has passed cannot be started: it is read back as created instead.
            const ended = endAt !== null && endAt <= Date.now() + 60_000;
            const state = asked === 'started and paused' && ended ? 'Pending' : asked;
            const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
            const outOfRange = [startAt, endAt].some(
              (ms) => ms !== null && (ms < EARLIEST_DATE.getTime() || ms > LATEST_DATE.getTime()),
            );
            const created = await service.request('POST', '/api/v1/campaigns', {
              body: {
                name: 'Back',
                zone,
                startAt: iso(startAt),
                endAt: iso(endAt),
                status: state === 'Draft' ? 'Draft' : 'Pending',
              },
            });
            if (outOfRange) {
              expect(created.status, created.text).to.equal(400);
              return;
            }
            expect(created.status, created.text).to.equal(200);
            const id = created.body.id as string;
            if (state === 'started and paused') await startAndPause(id);
            const before = (await read(id, '?view=service')).body;
            if (state !== 'started and paused') expect(before).to.include({ startAt: iso(startAt), endAt: iso(endAt) });
            const events = (await service.request('GET', `/api/v1/campaigns/${id}/events`)).body.total;
            for (const view of ['', '?view=service']) {
              const shown = await read(id, view);
              const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
                rawBody: shown.text,
                headers: { 'content-type': 'application/json' },
              });
              expect(answer.status, `${view || 'original form'}: ${answer.text}`).to.equal(200);
            }
            // the dates alone, as read, without the zone they are written in: read in the campaign's own zone
            const { startDateStr, endDateStr } = (await read(id)).body;
            const datesAlone = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
              body: { startDateStr, endDateStr },
            });
            expect(datesAlone.status, `the dates alone: ${datesAlone.text}`).to.equal(200);
            expect((await read(id, '?view=service')).body).to.deep.equal(before);
            expect((await service.request('GET', `/api/v1/campaigns/${id}/events`)).body.total).to.equal(events);
          }),
          propertyParameters(40),
        );
      });

      it('changes only the zone when the dates come again written in the new zone: each stands for the stored date', async () => {
        const rezoned = fc.record({
          zone: fc.constantFrom(...ZONES),
          newZone: fc.constantFrom(...ZONES),
          state: fc.constantFrom('Draft', 'Pending', 'started and paused'),
        });
        const inZone = (iso: string | null, zone: string | null) =>
          iso === null ? null : formatVoltMxDate(new Date(iso), zone === null ? 0 : zoneOffsetMinutes(zone)!);
        await fc.assert(
          fc.asyncProperty(rezoned, async ({ zone, newZone, state }) => {
            const created = await service.request('POST', '/api/v1/campaigns', {
              body: {
                name: 'Rezoned',
                zone,
                startAt: new Date(Date.now() + DAY_MS + 123).toISOString(),
                endAt: new Date(Date.now() + 3 * DAY_MS + 456).toISOString(),
                status: state === 'Draft' ? 'Draft' : 'Pending',
              },
            });
            expect(created.status, created.text).to.equal(200);
            const id = created.body.id as string;
            // A started campaign's start date is the moment it started, which has passed.
            if (state === 'started and paused') await startAndPause(id);
            const before = (await read(id, '?view=service')).body;
            const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
              body: {
                zone: newZone,
                startDateStr: inZone(before.startAt, newZone),
                endDateStr: inZone(before.endAt, newZone),
              },
            });
            expect(answer.status, answer.text).to.equal(200);
            const after = (await read(id, '?view=service')).body;
            expect(after).to.include({ zone: newZone, startAt: before.startAt, endAt: before.endAt });
          }),
          propertyParameters(30),
        );
      });

      it('takes "status": "Running" or "Pending", as the original\'s bodies send it, as no change on a published campaign', async () => {
        const published = fc.record({
          zone: fc.constantFrom(...ZONES),
          state: fc.constantFrom('Pending', 'started and paused'),
          status: fc.constantFrom('Running', 'Pending'),
          view: fc.constantFrom('', '?view=service'),
        });
        await fc.assert(
          fc.asyncProperty(published, async ({ zone, state, status, view }) => {
            const startAt = new Date(Date.now() + 2 * DAY_MS).toISOString();
            const created = await service.request('POST', '/api/v1/campaigns', {
              body: { name: 'Published', zone, startAt, status: 'Running' },
            });
            expect(created.status, created.text).to.equal(200);
            const id = created.body.id as string;
            if (state === 'started and paused') await startAndPause(id);
            const before = (await read(id, '?view=service')).body;
            const shown = await read(id, view);
            const asRead = JSON.stringify(shown.body.status);
            const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
              rawBody: shown.text.replace(`"status":${asRead}`, `"status":"${status}"`),
              headers: { 'content-type': 'application/json' },
            });
            expect(answer.status, answer.text).to.equal(200);
            expect((await read(id, '?view=service')).body).to.deep.equal(before);
          }),
          propertyParameters(20),
        );
      });

      it('changes nothing whatever content it holds, a segment or application named, left unnamed or named ""', async () => {
        const name = fc.constantFrom(undefined, null, '', 'Newsletter readers', ' ');
        const withName = <T extends object>(item: T, key: string, value: string | null | undefined) =>
          value === undefined ? item : { ...item, [key]: value };
        const content = fc.record({
          campaignSegments: fc.array(
            fc.tuple(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), name).map(([id, n]) => ({
              segment: withName({ id: id.toString() }, 'name', n),
            })),
            { maxLength: 3 },
          ),
          campaignMessages: fc.array(
            name.map((n) => ({
              message: 'Hi',
              application: withName({ appId: '1464041244280' }, 'applicationName', n),
            })),
            { maxLength: 3 },
          ),
          campaignMails: fc.array(
            fc.record(
              { content: fc.constant('Hello'), subject: name, contentType: name },
              { requiredKeys: ['content'] },
            ),
            { maxLength: 2 },
          ),
          campaignSms: fc.array(fc.record({ smsMessage: fc.constant('Hey'), name }, { requiredKeys: ['smsMessage'] }), {
            maxLength: 2,
          }),
          view: fc.constantFrom('', '?view=service'),
        });
        await fc.assert(
          fc.asyncProperty(content, async ({ view, ...parts }) => {
            const created = await service.request('POST', '/api/v1/campaigns', { body: { name: 'Content', ...parts } });
            expect(created.status, created.text).to.equal(200);
            const id = created.body.id as string;
            const before = (await read(id, '?view=service')).body;
            const shown = await read(id, view);
            const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
              rawBody: shown.text,
              headers: { 'content-type': 'application/json' },
            });
            expect(answer.status, answer.text).to.equal(200);
            expect((await read(id, '?view=service')).body).to.deep.equal(before);
            expect((await service.request('GET', `/api/v1/campaigns/${id}/events`)).body.total).to.equal(0);
          }),
          propertyParameters(30),
        );
      });
    });
  }
});
