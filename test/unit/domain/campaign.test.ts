import {
  Campaign,
  CampaignExpired,
  CampaignId,
  CampaignInvalid,
  CampaignNotStartable,
  EMPTY_CONTENT,
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

const startBy = (who: string, at = now) => ({ now: at, eventId: 'e-1', by: who, trigger: 'manual' as const });

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
      type: 'CampaignStarted',
      eventId: 'e-1',
      campaignId: CampaignId.parse('9007199254740993'),
      occurredAt: now,
      scheduledStartAt: later(24),
      trigger: 'manual',
      startedBy: 'bob',
      name: 'Spring sale',
      endAt: later(48),
      content: EMPTY_CONTENT,
    });
    expect(campaign.pullEvents()).to.deep.equal([]);
  });

  it('hands the audience, the messages and the channel order to the senders in CampaignStarted, as they are at the start', () => {
    const content = {
      campaignType: 'Promotions',
      campaignSegments: [{ id: '9223372036854775807', name: null }],
      campaignMessages: [
        {
          name: 'Deals',
          message: 'Hi ##First Name##',
          richContent: '',
          platformSpecificProps: { title: 'Deals', iphone: { badge: 1 } },
          application: { appId: 'app-1', applicationName: null },
          repeatMessage: null,
        },
      ],
      campaignChannelPriorities: ['PUSH' as const, 'Email' as const],
    };
    const campaign = scheduled({ content });
    campaign.start(startBy('bob'));
    const [started] = campaign.pullEvents();
    expect(started).to.have.property('content').that.deep.include(content);
    expect(started).to.have.nested.property('content.campaignMails').that.deep.equals([]);
  });

  it('keeps a started campaign\'s event as it was when the campaign is modified later', () => {
    const campaign = scheduled({ content: { campaignSegments: [{ id: '51', name: 'Seg' }] } });
    campaign.start(startBy('bob'));
    const started = campaign.pullEvents()[0]!;
    const before = JSON.stringify(started);
    campaign.pause({ now: later(1), eventId: 'e-2', by: 'bob' });
    campaign.modify({ content: { campaignSegments: [{ id: '52', name: 'Other' }] } }, { now: later(2), eventId: 'e-3', by: 'bob' });
    expect(JSON.stringify(started)).to.equal(before);
    expect(campaign.snapshot().content.campaignSegments).to.deep.equal([{ id: '52', name: 'Other' }]);
    expect(campaign.pullEvents().at(-1)).to.deep.include({ changedFields: ['campaignSegments'] });
  });

  it('refuses content over its bounds, naming the part', () => {
    const segments = Array.from({ length: 101 }, (_, n) => ({ id: String(n + 1), name: null }));
    expect(() => scheduled({ content: { campaignSegments: segments } })).to.throw(CampaignInvalid, /campaignSegments must hold at most 100 items/);
    const huge = 'x'.repeat(100_000);
    const sms = Array.from({ length: 6 }, () => ({ name: '', smsMessage: huge, repeatMessage: null }));
    expect(() => scheduled({ content: { campaignSms: sms } })).to.throw(CampaignInvalid, /content must be at most 524288 bytes/);
    expect(() => scheduled({ content: { campaignChannelPriorities: ['SMS', 'SMS'] } })).to.throw(CampaignInvalid, /each channel at most once/);
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
