import fc from 'fast-check';
import { type Act, type Campaign, type CampaignEvent, DomainError } from '../../../src/domain/index.js';
import { aCampaign, CREATED_AT } from '../../mothers/campaign-mother.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

const MINUTE = 60_000;

type Verb = (campaign: Campaign, act: Act) => void;

const VERBS: Readonly<Record<string, Verb>> = {
  start: (c, act) => c.start({ ...act, trigger: 'manual' }),
  schedule: (c, act) => (c.isDueForCompletion(act.now) ? c.complete(act) : c.start({ ...act, trigger: 'schedule' })),
  pause: (c, act) => c.pause(act),
  resume: (c, act) => c.resume(act),
  terminate: (c, act) => c.terminate(act),
  rename: (c, act) => c.modify({ name: `renamed at ${act.now.toISOString()}` }, act),
  restart: (c, act) => c.restart({ endAt: new Date(act.now.getTime() + 600 * MINUTE) }, act),
  reschedule: (c, act) => c.modify({ startAt: new Date(act.now.getTime() + 30 * MINUTE) }, act),
  unschedule: (c, act) => c.modify({ startAt: null }, act),
};

const verbSequences = fc.array(fc.constantFrom(...Object.keys(VERBS)), { maxLength: 25 });
const gapSequences = fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 25, maxLength: 25 });

/**
 * Acts with `verbs` on a new campaign, `gaps[n]` minutes after the act before, a refusal changing nothing; `seen`
 * is told of the campaign and the events of each act.
 */
function actOn(
  verbs: readonly string[],
  gaps: readonly number[],
  seen: (campaign: Campaign, events: CampaignEvent[], n: number) => void,
): void {
  const campaign = aCampaign({ startAt: null, endAt: null });
  let clock = CREATED_AT.getTime();
  for (const [n, verb] of verbs.entries()) {
    clock += gaps[n]! * MINUTE;
    try {
      VERBS[verb]!(campaign, { now: new Date(clock), eventId: `e${n}`, by: 'operator' });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    seen(campaign, campaign.pullEvents(), n);
  }
}

describe("A campaign's own time", () => {
  it('never goes back, though the clock that acts on it does (a clock stepped back, instances whose clocks differ)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            verb: fc.constantFrom(...Object.keys(VERBS)),
            // Mostly forward, sometimes back: minutes since the previous act.
            minutes: fc.integer({ min: -90, max: 120 }),
          }),
          { maxLength: 25 },
        ),
        (steps) => {
          const campaign = aCampaign({ startAt: null, endAt: null });
          let clock = CREATED_AT.getTime();
          let latest = campaign.snapshot().updatedAt.getTime();
          const times: number[] = [];
          for (const [n, { verb, minutes }] of steps.entries()) {
            clock += minutes * MINUTE;
            try {
              VERBS[verb]!(campaign, { now: new Date(clock), eventId: `e${n}`, by: 'operator' });
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
            }
            const { updatedAt, startedAt, pausedAt, terminatedAt, completedAt } = campaign.snapshot();
            expect(updatedAt.getTime()).to.be.at.least(latest);
            latest = updatedAt.getTime();
            for (const later of [pausedAt, terminatedAt, completedAt])
              if (startedAt !== null && later !== null) expect(later.getTime()).to.be.at.least(startedAt.getTime());
            times.push(...campaign.pullEvents().map((event) => event.occurredAt.getTime()));
          }
          expect(times).to.deep.equal([...times].sort((a, b) => a - b));
        },
      ),
      propertyParameters(300),
    );
  });
  it('keeps in pausedAt the moment of its last pause since it was made or restarted, and nothing before a pause (generated)', () => {
    fc.assert(
      fc.property(verbSequences, gapSequences, (verbs, gaps) => {
        let lastPause: Date | null = null;
        actOn(verbs, gaps, (campaign, events, n) => {
          for (const event of events) {
            if (event.type === 'CampaignPaused') lastPause = event.occurredAt;
            if (event.type === 'CampaignRestarted') lastPause = null;
          }
          expect(campaign.snapshot().pausedAt, `${verbs.slice(0, n + 1).join(' ')}`).to.deep.equal(lastPause);
        });
      }),
      propertyParameters(300),
    );
  });
});
