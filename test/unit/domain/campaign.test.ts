import {
  Campaign,
  CampaignExpired,
  CampaignId,
  CampaignInvalid,
  CampaignNotStartable,
  type CampaignStatus,
} from '../../../src/domain/index.js';
import { expect } from '../../support/expect.js';
import { snapshotIn } from '../../fakes/campaign-in-status.js';

const now = new Date('2030-01-01T00:00:00Z');
const hour = 3_600_000;
const later = (hours: number) => new Date(now.getTime() + hours * hour);

function scheduled(overrides: Partial<Parameters<typeof Campaign.create>[0]> = {}): Campaign {
  return Campaign.create(
    { id: CampaignId.parse('3'), name: 'Spring sale', startAt: later(24), endAt: later(48), createdBy: 'alice', ...overrides },
    now,
  );
}

function inStatus(status: CampaignStatus): Campaign {
  return Campaign.restore(snapshotIn(scheduled().snapshot(), status));
}

const startBy = (who: string, at = now) => ({ now: at, eventId: 'e-1', startedBy: who, trigger: 'manual' as const });

describe('Campaign.create', () => {
  it('is scheduled by default, at version 1, with no start time yet', () => {
    const snapshot = scheduled().snapshot();
    expect(snapshot.status).to.equal('scheduled');
    expect(snapshot.version).to.equal(1);
    expect(snapshot.startedAt).to.equal(null);
    expect(snapshot.createdBy).to.equal('alice');
  });

  it('can be saved as a draft', () => {
    expect(scheduled({ status: 'draft' }).status).to.equal('draft');
  });

  it('records no event', () => {
    expect(scheduled().pullEvents()).to.deep.equal([]);
  });

  it('refuses a blank name', () => {
    expect(() => scheduled({ name: '   ' })).to.throw(CampaignInvalid).with.property('problems').that.deep.includes({
      field: 'name',
      message: 'must not be blank',
    });
  });

  it('refuses a name longer than 255 characters', () => {
    expect(() => scheduled({ name: 'x'.repeat(256) })).to.throw(CampaignInvalid);
  });

  it('refuses a start date that is not in the future', () => {
    expect(() => scheduled({ startAt: now })).to.throw(CampaignInvalid, /startAt must be in the future/);
  });

  it('refuses an end date that is not after the start date', () => {
    expect(() => scheduled({ endAt: later(24) })).to.throw(CampaignInvalid, /endAt must be after startAt/);
  });

  it('refuses an end date in the past when no start date is given', () => {
    expect(() => scheduled({ startAt: null, endAt: later(-1) })).to.throw(CampaignInvalid, /endAt must be in the future/);
  });

  it('names every problem at once', () => {
    try {
      scheduled({ name: '', startAt: later(-1), endAt: later(-2) });
      expect.fail('expected CampaignInvalid');
    } catch (error) {
      expect((error as CampaignInvalid).problems.map((p) => p.field)).to.deep.equal(['name', 'startAt', 'endAt']);
    }
  });
});

describe('Campaign.start', () => {
  it('moves a scheduled campaign to running and sets startedAt to now', () => {
    const campaign = scheduled();
    campaign.start(startBy('bob'));
    const snapshot = campaign.snapshot();
    expect(snapshot.status).to.equal('running');
    expect(snapshot.startedAt).to.deep.equal(now);
    expect(snapshot.version).to.equal(2);
  });

  it('records exactly one CampaignStarted with the facts of the start', () => {
    const campaign = scheduled({ id: CampaignId.parse('9007199254740993') });
    campaign.start(startBy('bob'));
    const events = campaign.pullEvents();
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.equal({
      eventId: 'e-1',
      type: 'CampaignStarted',
      aggregateId: '9007199254740993',
      occurredAt: now,
      payload: {
        campaignId: '9007199254740993',
        startedAt: now.toISOString(),
        scheduledStartAt: later(24).toISOString(),
        trigger: 'manual',
        startedBy: 'bob',
      },
    });
    expect(campaign.pullEvents()).to.deep.equal([]);
  });

  it('starts a campaign that has no end date', () => {
    const campaign = scheduled({ endAt: null });
    campaign.start(startBy('bob', later(10_000)));
    expect(campaign.status).to.equal('running');
  });

  it('starts a campaign before its scheduled start date (that is what starting now means)', () => {
    const campaign = scheduled();
    campaign.start(startBy('bob', later(1)));
    expect(campaign.status).to.equal('running');
  });

  for (const status of ['draft', 'running', 'paused', 'terminated', 'completed'] as const) {
    it(`refuses a campaign that is ${status}, naming the status`, () => {
      const campaign = inStatus(status);
      expect(() => campaign.start(startBy('bob'))).to.throw(CampaignNotStartable).with.property('status', status);
      expect(campaign.status).to.equal(status);
      expect(campaign.pullEvents()).to.deep.equal([]);
    });
  }

  it('refuses a campaign whose end date has passed, as expired', () => {
    const campaign = scheduled();
    expect(() => campaign.start(startBy('bob', later(48)))).to.throw(CampaignExpired);
    expect(campaign.status).to.equal('scheduled');
    expect(campaign.pullEvents()).to.deep.equal([]);
  });

  it('refuses a second start', () => {
    const campaign = scheduled();
    campaign.start(startBy('bob'));
    expect(() => campaign.start(startBy('bob'))).to.throw(CampaignNotStartable).with.property('status', 'running');
  });
});
