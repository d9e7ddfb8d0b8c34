import fc from 'fast-check';
import { TYPES } from '../../../src/composition/types.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { TestService } from '../../support/test-service.js';

/**
 * The lifecycle table of docs/lifecycle.md, as a model: every verb in every status, and the scheduler at the start
 * and end dates, over the HTTP API. Each step's answer (status and code), the campaign's status afterwards, its
 * version and its history must be what the table says; a refused step changes nothing.
 */

const MINUTE = 60_000;

type Status = 'draft' | 'scheduled' | 'running' | 'paused' | 'terminated' | 'completed';

interface Model {
  status: Status | 'deleted';
  startAt: number | null;
  endAt: number | null;
  version: number;
  events: number;
}

/** What the table says a step answers, and the campaign it leaves (unchanged when refused). */
interface Outcome {
  answer: number;
  code?: string;
  next?: Partial<Model>;
}

type Step =
  | { verb: 'start' | 'pause' | 'resume' | 'terminate' | 'delete' }
  | { verb: 'rename' }
  | { verb: 'status'; to: 'Draft' | 'Pending' }
  | { verb: 'restart'; endInMinutes: number | undefined }
  | { verb: 'wait'; minutes: number };

const refused = (answer: number, code: string): Outcome => ({ answer, code });
const changed = (next: Partial<Model>): Outcome => ({ answer: 200, next });
const ahead = (instant: number | null, now: number) => instant === null || now < instant;
const passed = (instant: number | null, now: number) => instant !== null && instant <= now;

function expected(step: Exclude<Step, { verb: 'wait' }>, m: Model, now: number): Outcome {
  const s = m.status;
  if (s === 'deleted') return refused(404, 'CAMPAIGN_NOT_FOUND');
  const modifiable = s === 'draft' || s === 'scheduled' || s === 'paused';
  switch (step.verb) {
    case 'start':
      if (s !== 'scheduled') return refused(409, 'CAMPAIGN_NOT_STARTABLE');
      if (!ahead(m.endAt, now)) return refused(409, 'CAMPAIGN_EXPIRED');
      return changed({ status: 'running', startAt: now });
    case 'pause':
      if (s !== 'running') return refused(409, 'CAMPAIGN_NOT_PAUSABLE');
      return ahead(m.endAt, now) ? changed({ status: 'paused' }) : refused(409, 'CAMPAIGN_EXPIRED');
    case 'resume':
      if (s !== 'paused') return refused(409, 'CAMPAIGN_NOT_RESUMABLE');
      return ahead(m.endAt, now) ? changed({ status: 'running' }) : refused(409, 'CAMPAIGN_EXPIRED');
    case 'terminate':
      if (s !== 'running' && s !== 'paused') return refused(409, 'CAMPAIGN_NOT_TERMINABLE');
      return ahead(m.endAt, now) ? changed({ status: 'terminated' }) : refused(409, 'CAMPAIGN_EXPIRED');
    case 'delete':
      return modifiable ? changed({ status: 'deleted' }) : refused(409, 'CAMPAIGN_NOT_DELETABLE');
    case 'rename':
      return modifiable ? changed({}) : refused(409, 'CAMPAIGN_NOT_MODIFIABLE');
    case 'status': {
      if (!modifiable) return refused(409, 'CAMPAIGN_NOT_MODIFIABLE');
      if (step.to === 'Draft') {
        if (s === 'paused') return refused(400, 'VALIDATION_FAILED');
        return s === 'draft' ? { answer: 200 } : changed({ status: 'draft' });
      }
      // Dates that have passed are taken: the schedule starts or completes the campaign at its next run.
      return s === 'draft' ? changed({ status: 'scheduled' }) : { answer: 200 };
    }
    case 'restart': {
      if (s === 'running') return refused(409, 'CAMPAIGN_NOT_RESTARTABLE');
      const endAt = step.endInMinutes === undefined ? m.endAt : now + step.endInMinutes * MINUTE;
      if (s !== 'terminated' && s !== 'completed') {
        if (step.endInMinutes === undefined) return refused(400, 'INVALID_REQUEST');
        if (m.startAt !== null && endAt! < m.startAt) return refused(400, 'VALIDATION_FAILED');
        return endAt === m.endAt ? { answer: 200 } : changed({ endAt });
      }
      const startAt = passed(m.startAt, now) ? null : m.startAt;
      if (passed(endAt, now) || (startAt !== null && endAt !== null && endAt < startAt))
        return refused(400, 'VALIDATION_FAILED');
      return changed({ status: 'scheduled', startAt, endAt });
    }
  }
}

/** What the scheduler does at `now`: completes what has ended (unstarted when still scheduled), starts what is due. */
function scheduled(m: Model, now: number): Partial<Model> | undefined {
  const live = m.status === 'scheduled' || m.status === 'running' || m.status === 'paused';
  if (live && passed(m.endAt, now)) return { status: 'completed' };
  if (m.status === 'scheduled' && passed(m.startAt, now)) return { status: 'running' };
  return undefined;
}

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom<Step>(
    { verb: 'start' },
    { verb: 'pause' },
    { verb: 'resume' },
    { verb: 'terminate' },
    { verb: 'delete' },
    { verb: 'rename' },
    { verb: 'status', to: 'Draft' },
    { verb: 'status', to: 'Pending' },
  ),
  fc
    .option(fc.integer({ min: 5, max: 120 }), { nil: undefined })
    .map((endInMinutes): Step => ({ verb: 'restart', endInMinutes })),
  fc.integer({ min: 1, max: 90 }).map((minutes): Step => ({ verb: 'wait', minutes })),
);

const campaignArbitrary = fc.record({
  status: fc.constantFrom<'draft' | 'scheduled'>('draft', 'scheduled'),
  // A start date that has passed (0 and below) included: a create takes it, as the original does.
  startInMinutes: fc.option(fc.integer({ min: -60, max: 60 }), { nil: null }),
  endAfterStartMinutes: fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }),
});

for (const kind of DATABASE_KINDS) {
  describe(`The lifecycle table, verb by verb and date by date, over HTTP (${kind.name}, generated)`, function () {
    this.timeout(propertyTimeoutMs(120_000));
    const clock = new FixedClock(new Date());
    let service: TestService;
    let renames = 0;

    before(async () => {
      service = await TestService.start(kind, { clock });
    });
    after(() => service.stop());

    const read = async (id: string) => {
      const [campaign, history] = await Promise.all([
        service.request('GET', `/api/v1/campaigns/${id}?view=service`),
        service.request('GET', `/api/v1/campaigns/${id}/events?pageSize=500`),
      ]);
      return { campaign, events: history.body?.total as number };
    };

    async function send(id: string, step: Exclude<Step, { verb: 'wait' }>) {
      const path = `/api/v1/campaigns/${id}`;
      switch (step.verb) {
        case 'rename':
          return service.request('POST', `${path}/modify`, { body: { name: `renamed ${++renames}` } });
        case 'status':
          return service.request('POST', `${path}/modify`, { body: { status: step.to } });
        case 'restart': {
          const at = step.endInMinutes === undefined ? undefined : clock.now().getTime() + step.endInMinutes * MINUTE;
          return service.request(
            'POST',
            `${path}/modify?restart=true`,
            at === undefined ? {} : { body: { endAt: new Date(at).toISOString() } },
          );
        }
        default:
          return service.request('POST', `${path}/${step.verb}`);
      }
    }

    async function check(id: string, model: Model, what: string) {
      const { campaign, events } = await read(id);
      if (model.status === 'deleted') {
        expect(campaign.status, what).to.equal(404);
        expect(events, what).to.equal(model.events);
        return;
      }
      expect(campaign.status, what).to.equal(200);
      const seen = campaign.body;
      expect(
        {
          status: seen.status,
          version: Number(seen.version),
          events,
          startAt: seen.startAt,
          endAt: seen.endAt,
        },
        what,
      ).to.deep.equal({
        status: model.status,
        version: model.version,
        events: model.events,
        startAt: model.startAt === null ? null : new Date(model.startAt).toISOString(),
        endAt: model.endAt === null ? null : new Date(model.endAt).toISOString(),
      });
    }

    it('answers every step as the table says, with the ETag of the version it left, changes nothing on a refusal, and runs the schedule at its dates', async () => {
      await fc.assert(
        fc.asyncProperty(campaignArbitrary, fc.array(stepArbitrary, { maxLength: 14 }), async (shape, steps) => {
          const now = clock.now().getTime();
          const startAt = shape.startInMinutes === null ? null : now + shape.startInMinutes * MINUTE;
          const endAt =
            shape.endAfterStartMinutes === null ? null : (startAt ?? now) + shape.endAfterStartMinutes * MINUTE;
          const created = await service.request('POST', '/api/v1/campaigns', {
            body: {
              name: 'Lifecycle',
              status: shape.status === 'draft' ? 'Draft' : 'Pending',
              startAt: startAt === null ? null : new Date(startAt).toISOString(),
              endAt: endAt === null ? null : new Date(endAt).toISOString(),
            },
          });
          expect(created.status, created.text).to.equal(200);
          expect(created.headers.get('etag'), 'the ETag of a create').to.equal('"1"');
          const id = created.body.id as string;
          const model: Model = { status: shape.status, startAt, endAt, version: 1, events: 0 };
          const trail: string[] = [`create ${JSON.stringify(shape)}`];
          await check(id, model, trail.join(' → '));
          for (const step of steps) {
            trail.push(JSON.stringify(step));
            const what = trail.join(' → ');
            if (step.verb === 'wait') {
              clock.advance(step.minutes * MINUTE);
              await service.running.container.get(TYPES.RunSchedule).execute();
              const next = model.status === 'deleted' ? undefined : scheduled(model, clock.now().getTime());
              if (next !== undefined)
                Object.assign(model, next, { version: model.version + 1, events: model.events + 1 });
            } else {
              const outcome = expected(step, model, clock.now().getTime());
              const answer = await send(id, step);
              expect({ status: answer.status, code: answer.body?.code }, `${what}: ${answer.text}`).to.deep.equal({
                status: outcome.answer,
                code: outcome.code,
              });
              if (answer.status === 409) expect(answer.body.status, what).to.equal(model.status);
              if (outcome.next !== undefined)
                Object.assign(model, outcome.next, { version: model.version + 1, events: model.events + 1 });
              // The answer to a change names the version it left, for the next If-Match; a deleted campaign has none.
              const etag = answer.status === 200 && model.status !== 'deleted' ? `"${model.version}"` : null;
              expect(answer.headers.get('etag'), `${what}: the ETag answered`).to.equal(etag);
            }
            await check(id, model, what);
          }
        }),
        propertyParameters(40),
      );
    });
  });
}
