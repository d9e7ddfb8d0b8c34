import fc from 'fast-check';
import { invariantViolations } from '../../../src/domain/campaign-invariants.js';
import {
  allowedFrom,
  CAMPAIGN_STATUSES,
  Campaign,
  type CampaignAction,
  type CampaignChanges,
  CampaignId,
  CampaignInvalid,
  type CampaignSnapshot,
  CampaignStateImpossible,
  type CampaignStatus,
  DomainError,
} from '../../../src/domain/index.js';
import { campaignIn } from '../../mothers/campaign-mother.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

const now = new Date('2030-01-01T00:00:00Z');
const hour = 3_600_000;
const at = (hours: number) => new Date(now.getTime() + hours * hour);

/** Campaign 21 led to `status` by its own verbs, acting at `actedAt`. */
function walkedTo(status: CampaignStatus, actedAt: Date): Campaign {
  return campaignIn(
    status,
    { id: CampaignId.parse('21'), name: 'Sale', startAt: at(24), endAt: at(48) },
    { createdAt: now, at: actedAt },
  );
}

function created(): CampaignSnapshot {
  return Campaign.create(
    { id: CampaignId.parse('21'), name: 'Sale', startAt: at(24), endAt: at(48), createdBy: 'alice' },
    now,
  ).snapshot();
}

describe('The campaign invariants', () => {
  describe('Campaign.restore refuses a state no sequence of verbs can reach', () => {
    const impossible: Array<[string, Partial<CampaignSnapshot>, string]> = [
      ['a running campaign with no startedAt', { status: 'running', startedAt: null }, 'startedAt'],
      ['a paused campaign with no pausedAt', { status: 'paused', startedAt: at(1), pausedAt: null }, 'pausedAt'],
      [
        'a terminated campaign with no terminatedAt',
        { status: 'terminated', startedAt: at(1), terminatedAt: null },
        'terminatedAt',
      ],
      ['a completed campaign with no completedAt', { status: 'completed', completedAt: null }, 'completedAt'],
      ['a scheduled campaign with a startedAt', { status: 'scheduled', startedAt: at(1) }, 'startedAt'],
      ['a draft with a terminatedAt', { status: 'draft', terminatedAt: at(1) }, 'terminatedAt'],
      ['a campaign that ends before it starts', { startAt: at(48), endAt: at(24) }, 'endAt'],
      ['a campaign at version 0', { version: 0 }, 'version'],
      ['a campaign with an invalid date', { startAt: new Date(Number.NaN) }, 'startAt'],
    ];
    for (const [what, change, field] of impossible) {
      it(`refuses ${what}, naming ${field}`, () => {
        expect(() => Campaign.restore({ ...created(), ...change }))
          .to.throw(CampaignStateImpossible)
          .with.property('violations')
          .that.satisfies((violations: Array<{ field: string }>) => violations.some((v) => v.field === field));
      });
    }

    it('restores a campaign that ends when it starts: a window of one instant, as the original takes it', () => {
      expect(Campaign.restore({ ...created(), startAt: at(24), endAt: at(24) }).snapshot()).to.deep.include({
        startAt: at(24),
        endAt: at(24),
      });
    });

    it('is not a client error: no request can cause it, so the edge answers 500', () => {
      expect(() => Campaign.restore({ ...created(), status: 'running' })).to.throw(CampaignStateImpossible);
      try {
        Campaign.restore({ ...created(), status: 'running' });
      } catch (error) {
        expect(error).not.to.be.instanceOf(DomainError);
      }
    });

    for (const status of CAMPAIGN_STATUSES) {
      it(`restores a ${status} campaign as its verbs left it`, () => {
        expect(Campaign.restore(walkedTo(status, at(25)).snapshot()).status).to.equal(status);
      });
    }
  });

  describe('Campaign.create', () => {
    it('refuses an end before the start through the same invariant, naming endAt', () => {
      expect(() =>
        Campaign.create({ id: CampaignId.parse('2'), name: 'x', startAt: at(48), endAt: at(24), createdBy: 'a' }, now),
      )
        .to.throw(CampaignInvalid)
        .with.property('problems')
        .that.deep.includes({ field: 'endAt', message: 'must not be before startAt' });
    });
  });

  describe('the transition table', () => {
    const actions: Array<[CampaignAction, (campaign: Campaign, hours: number) => void]> = [
      ['start', (c, h) => c.start({ now: at(h), eventId: 'e', by: 'bob', trigger: 'manual' })],
      ['pause', (c, h) => c.pause({ now: at(h), eventId: 'e', by: 'bob' })],
      ['resume', (c, h) => c.resume({ now: at(h), eventId: 'e', by: 'bob' })],
      ['terminate', (c, h) => c.terminate({ now: at(h), eventId: 'e', by: 'bob' })],
      ['modify', (c, h) => c.modify({ name: 'Renamed' }, { now: at(h), eventId: 'e', by: 'bob' })],
      ['restart', (c, h) => c.restart({ endAt: at(100) }, { now: at(h), eventId: 'e', by: 'bob' })],
      ['delete', (c, h) => c.delete({ now: at(h), eventId: 'e', by: 'bob' })],
      ['complete', (c) => c.complete({ now: at(60), eventId: 'e', by: 'scheduler' })],
    ];
    for (const [action, perform] of actions) {
      it(`decides ${action} from the table alone: allowed from ${allowedFrom(action).join(', ')}, refused from the rest`, () => {
        for (const status of CAMPAIGN_STATUSES) {
          const campaign = walkedTo(status, at(1));
          const allowed = allowedFrom(action).includes(status);
          if (allowed) {
            expect(() => perform(campaign, 2), `${action} from ${status}`).not.to.throw();
          } else {
            expect(() => perform(campaign, 2), `${action} from ${status}`).to.throw(
              DomainError,
              `cannot ${action}: it is ${status}; allowed only when ${allowedFrom(action).join(' or ')}`,
            );
          }
        }
      });
    }
  });

  describe('after every change', () => {
    type Step = { verb: CampaignAction; hours: number };
    const step: fc.Arbitrary<Step> = fc.record({
      verb: fc.constantFrom<CampaignAction>(
        'start',
        'pause',
        'resume',
        'terminate',
        'modify',
        'restart',
        'delete',
        'complete',
      ),
      hours: fc.integer({ min: 1, max: 30 }),
    });

    function apply(campaign: Campaign, { verb, hours }: Step, clockHours: number): void {
      const act = { now: at(clockHours), eventId: `e-${clockHours}`, by: 'bob' };
      if (verb === 'start') campaign.start({ now: act.now, eventId: act.eventId, by: 'bob', trigger: 'manual' });
      else if (verb === 'modify') campaign.modify(modification(hours, clockHours), act);
      else if (verb === 'restart')
        campaign.restart({ endAt: at(clockHours + hours), ...(hours % 2 === 0 ? { status: 'draft' } : {}) }, act);
      else if (verb === 'complete') campaign.complete(act);
      else campaign[verb](act);
    }

    /** New dates, passed or to come, or a draft published or a campaign made a draft again, keeping its dates. */
    function modification(hours: number, clockHours: number): CampaignChanges {
      if (hours % 3 === 1) return { status: 'scheduled' };
      if (hours % 3 === 2) return { status: 'draft' };
      return { startAt: at(clockHours + hours - 15), endAt: at(clockHours + 2 * hours - 15) };
    }

    it('holds them whatever the verbs and the times: an accepted verb keeps them, a refused one changes nothing, and an ended campaign a restart made scheduled has its start and end dates still to come, or none', () => {
      fc.assert(
        fc.property(
          fc.constantFrom<CampaignStatus>('draft', 'scheduled'),
          fc.array(step, { maxLength: 25 }),
          (status, steps) => {
            const campaign = Campaign.create(
              {
                id: CampaignId.parse('21'),
                name: 'Sale',
                status: status as 'draft' | 'scheduled',
                startAt: at(24),
                endAt: at(48),
                createdBy: 'alice',
              },
              now,
            );
            let clockHours = 0;
            for (const next of steps) {
              clockHours += next.hours;
              const before = campaign.snapshot();
              try {
                apply(campaign, next, clockHours);
              } catch (error) {
                expect(error).to.be.instanceOf(DomainError);
                expect(campaign.snapshot()).to.deep.equal(before);
                continue;
              }
              const after = campaign.snapshot();
              expect(invariantViolations(after), `${next.verb} from ${before.status}`).to.deep.equal([]);
              const ended = before.status === 'terminated' || before.status === 'completed';
              const restartedScheduled = next.verb === 'restart' && ended && after.status === 'scheduled';
              for (const date of ['startAt', 'endAt'] as const) {
                if (restartedScheduled && after[date] !== null)
                  expect(after[date], `the ${date} of a campaign a restart made scheduled`).to.be.above(at(clockHours));
              }
              if (campaign.isDeleted) break;
            }
          },
        ),
        propertyParameters(300),
      );
    });
  });

  describe('a modify given more than it may change', () => {
    const DETAILS = ['name', 'description', 'startAt', 'endAt', 'zone', 'status'];
    const KEPT = ['id', 'version', 'createdAt', 'createdBy', 'startedAt', 'pausedAt', 'terminatedAt', 'completedAt'];
    const slipped = fc.dictionary(
      fc.constantFrom(...KEPT, 'updatedAt', 'updatedBy', 'deleted', 'unknownField', 'toString'),
      fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.date({ noInvalidDate: true })),
      { maxKeys: 4 },
    );
    const details = fc.record(
      { name: fc.string({ minLength: 1, maxLength: 20 }), description: fc.string({ maxLength: 20 }) },
      { requiredKeys: [] },
    );

    it('changes only the details and the content, and names only what it changed in its event', () => {
      fc.assert(
        fc.property(details, slipped, (given, extra) => {
          const campaign = walkedTo('scheduled', at(1));
          campaign.pullEvents();
          const before = campaign.snapshot();
          try {
            campaign.modify({ ...extra, ...given } as never, { now: at(2), eventId: 'e-modify', by: 'bob' });
          } catch (error) {
            expect(error).to.be.instanceOf(DomainError);
            expect(campaign.snapshot()).to.deep.equal(before);
            return;
          }
          const after = campaign.snapshot();
          for (const field of KEPT.filter((field) => field !== 'version'))
            expect(after[field as keyof CampaignSnapshot], field).to.deep.equal(
              before[field as keyof CampaignSnapshot],
            );
          const changed = Object.keys(given).filter((field) => given[field as 'name'] !== before[field as 'name']);
          const events = campaign.pullEvents() as unknown as Array<{ changedFields: string[] }>;
          if (changed.length === 0) {
            expect(after, 'a modify that changes nothing writes nothing').to.deep.equal(before);
            expect(events).to.deep.equal([]);
            return;
          }
          expect(after.version).to.equal(before.version + 1);
          const [event] = events;
          expect(event!.changedFields).to.deep.equal(changed);
          for (const field of event!.changedFields) expect(DETAILS).to.include(field);
        }),
        propertyParameters(300),
      );
    });
  });
});
