import fc from 'fast-check';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { TestService } from '../../support/test-service.js';

/** Zones by their offset, each in several spellings; `null` is no zone (UTC). */
const SPELLINGS: Array<Array<string | null>> = [
  [null, '', 'GMT', '(GMT) Casablanca', '(GMT+00:00) Dublin', 'GMT-00:00'],
  ['(GMT+04:30) Kabul', 'GMT+04:30', '(GMT+04:30) Kabul, Afghanistan'],
  ['(GMT-05:00) Bogota, Lima, Quito', 'GMT-05:00', '(GMT-05:00) Eastern Time'],
  ['(GMT+05:45) Kathmandu', 'GMT+05:45'],
];

const relabelled = fc
  .constantFrom(...SPELLINGS)
  .chain((spellings) =>
    fc.record({
      zone: fc.constantFrom(...spellings),
      newZone: fc.constantFrom(...spellings),
      state: fc.constantFrom('Pending', 'started and paused'),
      view: fc.constantFrom('', '?view=service'),
      startMs: fc.integer({ min: 0, max: 999 }),
    }),
  )
  .filter(({ zone, newZone }) => (zone ?? '') !== (newZone ?? ''));

describe('A zone spelled anew at the same offset leaves the dates read in it as they are', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  it('takes a campaign posted back as read with only its zone spelled anew, and changes the zone alone', async () => {
    await fc.assert(
      fc.asyncProperty(relabelled, async ({ zone, newZone, state, view, startMs }) => {
        const startAt = new Date(Date.parse('2031-01-01T09:00:00Z') + startMs).toISOString();
        const created = await service.request('POST', '/api/v1/campaigns', {
          body: { name: 'Zone', zone, startAt, endAt: '2032-01-01T09:00:00.250Z' },
        });
        expect(created.status, created.text).to.equal(200);
        const id = created.body.id as string;
        if (state === 'started and paused') {
          for (const verb of ['start', 'pause']) {
            expect((await service.request('POST', `/api/v1/campaigns/${id}/${verb}`)).status).to.equal(200);
          }
        }
        const before = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
        // the id is left out: the original's form writes it as a JSON number, which JSON.parse would round
        const { id: _, ...shown } = (await service.request('GET', `/api/v1/campaigns/${id}${view}`)).body;
        const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
          body: { ...shown, zone: newZone },
        });
        expect(answer.status, answer.text).to.equal(200);
        const after = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
        expect(after).to.include({ startAt: before.startAt, endAt: before.endAt, status: before.status });
        expect(after.zone).to.equal(newZone === '' ? null : newZone);
        const history = (await service.request('GET', `/api/v1/campaigns/${id}/events`)).body;
        expect(history.events[0].data.changedFields).to.deep.equal(['zone']);
      }),
      propertyParameters(40),
    );
  });
});
