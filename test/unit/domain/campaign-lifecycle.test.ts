import {
  Campaign,
  CampaignExpired,
  CampaignId,
  CampaignInvalid,
  CampaignNotDueForCompletion,
  CampaignTransitionRefused,
  type CampaignStatus,
} from '../../../src/domain/index.js';
import { expect } from '../../support/expect.js';
import { snapshotIn } from '../../fakes/campaign-in-status.js';

const now = new Date('2030-01-01T00:00:00Z');
const hour = 3_600_000;
const at = (hours: number) => new Date(now.getTime() + hours * hour);
const act = (hours = 0, by = 'bob') => ({ now: at(hours), eventId: `e-${hours}`, by });

function campaignIn(status: CampaignStatus, endHours = 48): Campaign {
  const created = Campaign.create({ id: CampaignId.parse('8'), name: 'Sale', startAt: at(24), endAt: at(endHours), createdBy: 'alice' }, now);
  return Campaign.restore(snapshotIn(created.snapshot(), status, at(25)));
}

const ALL: CampaignStatus[] = ['draft', 'scheduled', 'running', 'paused', 'terminated', 'completed'];

function refusesOutside(action: string, allowed: CampaignStatus[], perform: (c: Campaign) => void, code: string) {
  for (const status of ALL.filter((s) => !allowed.includes(s))) {
    it(`refuses to ${action} a ${status} campaign with ${code}, naming the status`, () => {
      const campaign = campaignIn(status);
      expect(() => perform(campaign)).to.throw(CampaignTransitionRefused).with.property('code', code);
      expect(campaign.status).to.equal(status);
      expect(campaign.pullEvents()).to.deep.equal([]);
    });
  }
}

describe('Campaign.pause', () => {
  it('pauses a running campaign and records CampaignPaused', () => {
    const campaign = campaignIn('running');
    campaign.pause(act(30));
    expect(campaign.snapshot()).to.include({ status: 'paused', updatedBy: 'bob' });
    expect(campaign.snapshot().pausedAt).to.deep.equal(at(30));
    const [event] = campaign.pullEvents();
    expect(event).to.deep.equal({ type: 'CampaignPaused', eventId: 'e-30', campaignId: CampaignId.parse('8'), occurredAt: at(30), pausedBy: 'bob' });
  });
  refusesOutside('pause', ['running'], (c) => c.pause(act()), 'CAMPAIGN_NOT_PAUSABLE');
});

describe('Campaign.resume', () => {
  it('resumes a paused campaign before its end date and records CampaignResumed', () => {
    const campaign = campaignIn('paused');
    campaign.resume(act(30));
    expect(campaign.status).to.equal('running');
    expect(campaign.snapshot().pausedAt).to.equal(null);
    expect(campaign.pullEvents().map((e) => e.type)).to.deep.equal(['CampaignResumed']);
  });
  it('refuses to resume after the end date, as expired', () => {
    expect(() => campaignIn('paused').resume(act(48))).to.throw(CampaignExpired);
  });
  refusesOutside('resume', ['paused'], (c) => c.resume(act()), 'CAMPAIGN_NOT_RESUMABLE');
});

describe('Campaign.terminate', () => {
  for (const status of ['running', 'paused'] as const) {
    it(`terminates a ${status} campaign and records CampaignTerminated`, () => {
      const campaign = campaignIn(status);
      campaign.terminate(act(30));
      expect(campaign.status).to.equal('terminated');
      expect(campaign.snapshot().terminatedAt).to.deep.equal(at(30));
      expect(campaign.pullEvents()[0]).to.include({ type: 'CampaignTerminated', terminatedBy: 'bob', previousStatus: status });
    });
  }
  refusesOutside('terminate', ['running', 'paused'], (c) => c.terminate(act()), 'CAMPAIGN_NOT_TERMINABLE');
});

describe('Campaign.modify', () => {
  for (const status of ['draft', 'scheduled', 'paused'] as const) {
    it(`changes the given fields of a ${status} campaign and keeps the rest`, () => {
      const campaign = campaignIn(status);
      campaign.modify({ name: 'Bigger sale', description: 'now with push' }, act(1));
      expect(campaign.snapshot()).to.include({ name: 'Bigger sale', description: 'now with push', status });
      expect(campaign.snapshot().startAt).to.deep.equal(at(24));
      const [event] = campaign.pullEvents();
      expect(event).to.deep.include({ type: 'CampaignModified', changedFields: ['name', 'description'] });
    });
  }

  it('clears a field given as null', () => {
    const campaign = campaignIn('scheduled');
    campaign.modify({ endAt: null }, act(1));
    expect(campaign.snapshot().endAt).to.equal(null);
  });

  it('publishes a draft by changing its status to scheduled', () => {
    const campaign = campaignIn('draft');
    campaign.modify({ status: 'scheduled' }, act(1));
    expect(campaign.status).to.equal('scheduled');
  });

  it('refuses to change the status of a paused campaign', () => {
    expect(() => campaignIn('paused').modify({ status: 'draft' }, act(1))).to.throw(CampaignInvalid, /status/);
  });

  it('validates like create: a new start date must be in the future and before the end', () => {
    expect(() => campaignIn('scheduled').modify({ startAt: at(-1) }, act(1))).to.throw(CampaignInvalid, /startAt/);
    expect(() => campaignIn('scheduled').modify({ startAt: at(60) }, act(1))).to.throw(CampaignInvalid, /endAt must be after startAt/);
  });

  it('lets a campaign whose start date has passed change its name', () => {
    const campaign = campaignIn('paused');
    campaign.modify({ name: 'Renamed' }, act(30));
    expect(campaign.snapshot().name).to.equal('Renamed');
  });

  it('takes back a start date that has passed when it is the stored one (a client posting what it read)', () => {
    const campaign = campaignIn('paused');
    campaign.modify({ name: 'Renamed', startAt: at(24), endAt: at(48) }, act(30));
    expect(campaign.snapshot()).to.include({ name: 'Renamed' });
    expect(campaign.pullEvents().at(-1)).to.deep.include({ changedFields: ['name'] });
    expect(() => campaignIn('paused').modify({ startAt: at(25) }, act(30))).to.throw(CampaignInvalid, /startAt must be in the future/);
  });

  refusesOutside('modify', ['draft', 'scheduled', 'paused'], (c) => c.modify({ name: 'x' }, act()), 'CAMPAIGN_NOT_MODIFIABLE');

  for (const status of ['terminated', 'completed'] as const) {
    it(`restarts a ${status} campaign back to scheduled with CampaignRestarted`, () => {
      const campaign = campaignIn(status);
      campaign.restart({ startAt: at(100), endAt: at(200) }, act(50));
      expect(campaign.snapshot()).to.include({ status: 'scheduled', startedAt: null, terminatedAt: null });
      const [event] = campaign.pullEvents();
      expect(event).to.include({ type: 'CampaignRestarted', previousStatus: status, restartedBy: 'bob' });
    });
  }

  it('refuses a restart whose end date has already passed', () => {
    expect(() => campaignIn('completed').restart({}, act(50))).to.throw(CampaignInvalid, /endAt must be in the future/);
  });

  it('refuses to restart a running campaign', () => {
    expect(() => campaignIn('running').restart({}, act(1)))
      .to.throw(CampaignTransitionRefused)
      .with.property('code', 'CAMPAIGN_NOT_RESTARTABLE');
  });
});

describe('Campaign.delete', () => {
  for (const status of ['draft', 'scheduled', 'paused'] as const) {
    it(`deletes a ${status} campaign and records CampaignDeleted`, () => {
      const campaign = campaignIn(status);
      campaign.delete(act(1));
      expect(campaign.isDeleted).to.equal(true);
      expect(campaign.pullEvents()[0]).to.include({ type: 'CampaignDeleted', deletedBy: 'bob', previousStatus: status });
    });
  }
  refusesOutside('delete', ['draft', 'scheduled', 'paused'], (c) => c.delete(act()), 'CAMPAIGN_NOT_DELETABLE');
});

describe('Campaign.complete', () => {
  for (const status of ['running', 'paused'] as const) {
    it(`completes a ${status} campaign once its end date has come`, () => {
      const campaign = campaignIn(status);
      expect(campaign.isDueForCompletion(at(47))).to.equal(false);
      campaign.complete(act(48, 'scheduler'));
      expect(campaign.status).to.equal('completed');
      expect(campaign.pullEvents()[0]).to.include({ type: 'CampaignCompleted', started: true, previousStatus: status });
    });
  }

  it('completes a campaign whose whole window passed before it started, and says so', () => {
    const campaign = campaignIn('scheduled');
    campaign.complete(act(49, 'scheduler'));
    expect(campaign.snapshot()).to.include({ status: 'completed', startedAt: null });
    const [event] = campaign.pullEvents();
    expect(event).to.include({ type: 'CampaignCompleted', started: false, previousStatus: 'scheduled' });
  });

  it('refuses to complete before the end date, saying which date it waits for', () => {
    expect(() => campaignIn('running').complete(act(10)))
      .to.throw(CampaignNotDueForCompletion, 'Campaign 8 cannot complete: its end date 2030-01-03T00:00:00.000Z has not come')
      .with.property('code', 'CAMPAIGN_NOT_COMPLETABLE');
  });

  it('refuses to complete a campaign without an end date, saying so', () => {
    const created = Campaign.create({ id: CampaignId.parse('8'), name: 'Sale', startAt: at(24), createdBy: 'alice' }, now);
    expect(() => created.complete(act(100))).to.throw(CampaignNotDueForCompletion, /cannot complete: it has no end date$/);
  });

  it('knows when a scheduled campaign is due to start', () => {
    const campaign = campaignIn('scheduled');
    expect([campaign.isDueToStart(at(23)), campaign.isDueToStart(at(24))]).to.deep.equal([false, true]);
  });
});
