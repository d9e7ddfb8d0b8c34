import { type Act, Campaign, CampaignId, type CampaignStatus, type NewCampaign } from '../../src/domain/index.js';

/** When the campaigns of this mother are created, unless a test says otherwise. */
export const CREATED_AT = new Date('2030-01-01T00:00:00.000Z');

const HOUR = 3_600_000;

/** `hours` after CREATED_AT. */
export function hoursLater(hours: number, from = CREATED_AT): Date {
  return new Date(from.getTime() + hours * HOUR);
}

/** A scheduled campaign, "Spring sale" by alice, that starts a day after it was created and ends a day later. */
export function aCampaign(overrides: Partial<NewCampaign> = {}, createdAt = CREATED_AT): Campaign {
  return Campaign.create(
    {
      id: CampaignId.parse('3'),
      name: 'Spring sale',
      startAt: hoursLater(24, createdAt),
      endAt: hoursLater(48, createdAt),
      createdBy: 'alice',
      ...overrides,
    },
    createdAt,
  );
}

export interface Walk {
  /** When the campaign is created (CREATED_AT by default). */
  createdAt?: Date;
  /** When each verb on the way acts (the creation time by default); a completion waits for the end date. */
  at?: Date;
}

type Step = (campaign: Campaign, act: Act) => void;

const start: Step = (campaign, act) => campaign.start({ ...act, trigger: 'manual' });

/** The verbs that lead a new campaign to each status. */
const WAY_TO: Readonly<Record<CampaignStatus, readonly Step[]>> = {
  draft: [],
  scheduled: [],
  running: [start],
  paused: [start, (campaign, act) => campaign.pause(act)],
  terminated: [start, (campaign, act) => campaign.terminate(act)],
  completed: [start, (campaign, act) => campaign.complete({ ...act, now: endOf(campaign, act.now) })],
};

/**
 * A campaign in `status`, reached as a real one is: created (as a draft for `draft`), then started, paused,
 * terminated or completed by its own verbs, so it holds exactly what those verbs set. The events recorded on the
 * way are dropped: a test sees only the events of what it does itself.
 */
export function campaignIn(status: CampaignStatus, overrides: Partial<NewCampaign> = {}, walk: Walk = {}): Campaign {
  const createdAt = walk.createdAt ?? CREATED_AT;
  const campaign = aCampaign({ ...overrides, status: status === 'draft' ? 'draft' : 'scheduled' }, createdAt);
  for (const [n, step] of WAY_TO[status].entries()) {
    step(campaign, { now: walk.at ?? createdAt, eventId: `walk-${n}`, by: 'operator' });
  }
  campaign.pullEvents();
  return campaign;
}

function endOf(campaign: Campaign, now: Date): Date {
  const { endAt } = campaign.snapshot();
  if (endAt === null) throw new Error('a campaign completes at its end date: give it one');
  return endAt > now ? endAt : now;
}
