import fc from 'fast-check';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { TestService } from '../../support/test-service.js';

const TIMES = ['createdAt', 'updatedAt', 'startedAt', 'pausedAt'] as const;

/** An instant written with this offset (in minutes) and this many fraction digits, as java.time and others write it. */
function spelled(iso: string, offsetMinutes: number, fractionDigits: 0 | 3 | 6 | 9): string {
  const at = new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString();
  const millis = at.slice(20, 23);
  const fraction = fractionDigits === 0 ? '' : `.${millis}${'0'.repeat(fractionDigits - 3)}`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${at.slice(0, 19)}${fraction}${offsetMinutes === 0 ? 'Z' : `${sign}${hours}:${minutes}`}`;
}

for (const kind of DATABASE_KINDS) {
  describe(`Posting back the read-only times of the service view (${kind.name})`, function () {
    this.timeout(propertyTimeoutMs(120_000));
    const clock = new FixedClock(new Date('2030-01-01T12:00:00.000Z'));
    let service: TestService;
    let id: string;
    let view: Record<string, unknown>;

    before(async () => {
      service = await TestService.start(kind, { clock });
      id = await service.createCampaign({ startAt: '2030-02-01T09:00:00Z', endAt: '2030-03-01T09:00:00Z' });
      clock.advance(1_000);
      expect((await service.request('POST', `/api/v1/campaigns/${id}/start`)).status).to.equal(200);
      clock.advance(1_250);
      expect((await service.request('POST', `/api/v1/campaigns/${id}/pause`)).status).to.equal(200);
      view = JSON.parse((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).text);
    });
    after(() => service.stop());

    const modify = (body: Record<string, unknown>) =>
      service.request('POST', `/api/v1/campaigns/${id}/modify`, { body });
    const version = async () => (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.version;

    it('takes each time as java.time writes an Instant, without a fraction of .000, and changes nothing', async () => {
      const before = await version();
      const jackson = Object.fromEntries(TIMES.map((field) => [field, String(view[field]).replace('.000Z', 'Z')]));
      expect(jackson.createdAt).to.equal('2030-01-01T12:00:00Z');

      const answer = await modify({ ...view, ...jackson });

      expect(answer.status, answer.text).to.equal(200);
      expect(await version()).to.equal(before);
    });

    it('takes every spelling of the same instants, and refuses another instant naming its field (generated)', async () => {
      const spelling = fc.record({
        offsetMinutes: fc.constantFrom(0, 60, -300, 330, 840, -840),
        fractionDigits: fc.constantFrom<0 | 3 | 6 | 9>(3, 6, 9),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...TIMES),
          spelling,
          fc.constantFrom(0, 1, -1, 1000),
          async (field, { offsetMinutes, fractionDigits }, shiftMs) => {
            const shown = String(view[field]);
            const sent = spelled(new Date(Date.parse(shown) + shiftMs).toISOString(), offsetMinutes, fractionDigits);
            const answer = await modify({ ...view, [field]: sent });
            const context = `${field} ${shown} sent as ${sent}: ${answer.text}`;
            if (shiftMs === 0) {
              expect(answer.status, context).to.equal(200);
            } else {
              expect(answer.status, context).to.equal(400);
              expect(answer.body.errors, context).to.deep.equal([
                { field, message: 'cannot be changed (send it as read, or leave it out)' },
              ]);
            }
          },
        ),
        propertyParameters(40),
      );
    });

    it('refuses a time finer than the millisecond it shows', async () => {
      const answer = await modify({ ...view, pausedAt: String(view.pausedAt).replace('Z', '001Z') });
      expect(answer.status).to.equal(400);
      expect(answer.body.errors[0].field).to.equal('pausedAt');
    });
  });
}
