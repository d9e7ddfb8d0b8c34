import { campaignEventPayload } from '../../../../src/adapters/messaging/campaign-event-payload.js';
import { Campaign, type CampaignEvent, CampaignId } from '../../../../src/domain/index.js';
import { expect } from '../../../support/expect.js';

const t0 = new Date('2030-01-01T00:00:00.000Z');
const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);
const act = (hours: number, by = 'bob') => ({ now: at(hours), eventId: `e-${hours}`, by });

const content = {
  campaignType: 'Promotions',
  campaignSegments: [
    { id: '9223372036854775807', name: null },
    { id: '51', name: 'Newsletter readers' },
  ],
  campaignMessages: [
    {
      name: 'Deals',
      message: 'Hi ##First Name##, 20% off',
      richContent: '',
      platformSpecificProps: { title: 'Deals', iphone: { badge: 1 } },
      application: { appId: 'app-1', applicationName: null },
      repeatMessage: null,
    },
  ],
  campaignChannelPriorities: ['PUSH' as const, 'Email' as const],
};

/** Every kind of event, from one campaign's whole life and two short ones. */
function eventsOfWholeLives(): CampaignEvent[] {
  const events: CampaignEvent[] = [];
  const life = Campaign.create(
    {
      id: CampaignId.parse('9007199254740993'),
      name: 'Spring sale',
      startAt: at(24),
      endAt: at(48),
      content,
      createdBy: 'alice',
    },
    t0,
  );
  const steps: Array<(campaign: Campaign) => void> = [
    (c) => c.start({ now: at(1), eventId: 'e-1', by: 'alice', trigger: 'manual' }),
    (c) => c.pause(act(2)),
    (c) => c.resume(act(3)),
    (c) => c.terminate(act(4)),
    (c) => c.restart({ name: 'Again', startAt: at(100), endAt: at(200) }, act(5)),
    (c) =>
      c.modify(
        { description: 'more', content: { campaignSms: [{ name: 's', smsMessage: 'm', repeatMessage: null }] } },
        act(6),
      ),
    (c) => c.start({ now: at(101), eventId: 'e-101', by: 'scheduler', trigger: 'schedule' }),
    (c) => c.complete(act(200, 'scheduler')),
    (c) => c.restart({ endAt: at(300) }, act(201)),
    (c) => c.delete(act(202)),
  ];
  for (const step of steps) {
    step(life);
    events.push(...life.pullEvents());
  }
  const missed = Campaign.create(
    { id: CampaignId.parse('7'), name: 'Missed', startAt: at(24), endAt: at(48), createdBy: 'alice' },
    t0,
  );
  missed.complete(act(50, 'scheduler'));
  const open = Campaign.create({ id: CampaignId.parse('8'), name: 'Open', createdBy: 'alice' }, t0);
  open.start({ now: at(1), eventId: 'e-x', by: 'alice', trigger: 'manual' });
  return [...events, ...missed.pullEvents(), ...open.pullEvents()];
}

describe('campaignEventPayload', () => {
  it('writes every event as the JSON that docs/events.md documents, field for field and byte for byte', () => {
    const written = eventsOfWholeLives().map((event) => [event.type, JSON.stringify(campaignEventPayload(event))]);
    expect(written).to.deep.equal([
      [
        'CampaignStarted',
        '{"campaignId":"9007199254740993","startedAt":"2030-01-01T01:00:00.000Z","scheduledStartAt":"2030-01-02T00:00:00.000Z","trigger":"manual","startedBy":"alice","name":"Spring sale","endAt":"2030-01-03T00:00:00.000Z","campaignType":"Promotions","campaignSegments":[{"id":"9223372036854775807","name":null},{"id":"51","name":"Newsletter readers"}],"campaignMessages":[{"name":"Deals","message":"Hi ##First Name##, 20% off","richContent":"","platformSpecificProps":{"title":"Deals","iphone":{"badge":1}},"application":{"appId":"app-1","applicationName":null},"repeatMessage":null}],"campaignMails":[],"campaignSms":[],"campaignVoiceSms":[],"campaignPasses":[],"campaignChannelPriorities":["PUSH","Email"]}',
      ],
      ['CampaignPaused', '{"campaignId":"9007199254740993","pausedAt":"2030-01-01T02:00:00.000Z","pausedBy":"bob"}'],
      ['CampaignResumed', '{"campaignId":"9007199254740993","resumedAt":"2030-01-01T03:00:00.000Z","resumedBy":"bob"}'],
      [
        'CampaignTerminated',
        '{"campaignId":"9007199254740993","terminatedAt":"2030-01-01T04:00:00.000Z","terminatedBy":"bob","previousStatus":"running"}',
      ],
      [
        'CampaignRestarted',
        '{"campaignId":"9007199254740993","restartedBy":"bob","previousStatus":"terminated","changedFields":["name","startAt","endAt","status"]}',
      ],
      [
        'CampaignModified',
        '{"campaignId":"9007199254740993","modifiedBy":"bob","changedFields":["description","campaignSms"]}',
      ],
      [
        'CampaignStarted',
        '{"campaignId":"9007199254740993","startedAt":"2030-01-05T05:00:00.000Z","scheduledStartAt":"2030-01-05T04:00:00.000Z","trigger":"schedule","startedBy":"scheduler","name":"Again","endAt":"2030-01-09T08:00:00.000Z","campaignType":"Promotions","campaignSegments":[{"id":"9223372036854775807","name":null},{"id":"51","name":"Newsletter readers"}],"campaignMessages":[{"name":"Deals","message":"Hi ##First Name##, 20% off","richContent":"","platformSpecificProps":{"title":"Deals","iphone":{"badge":1}},"application":{"appId":"app-1","applicationName":null},"repeatMessage":null}],"campaignMails":[],"campaignSms":[{"name":"s","smsMessage":"m","repeatMessage":null}],"campaignVoiceSms":[],"campaignPasses":[],"campaignChannelPriorities":["PUSH","Email"]}',
      ],
      [
        'CampaignCompleted',
        '{"campaignId":"9007199254740993","completedAt":"2030-01-09T08:00:00.000Z","endAt":"2030-01-09T08:00:00.000Z","previousStatus":"running","started":true,"reason":"end date reached"}',
      ],
      [
        'CampaignRestarted',
        '{"campaignId":"9007199254740993","restartedBy":"bob","previousStatus":"completed","changedFields":["endAt","startAt","status"]}',
      ],
      ['CampaignDeleted', '{"campaignId":"9007199254740993","deletedBy":"bob","previousStatus":"scheduled"}'],
      [
        'CampaignCompleted',
        '{"campaignId":"7","completedAt":"2030-01-03T02:00:00.000Z","endAt":"2030-01-03T00:00:00.000Z","previousStatus":"scheduled","started":false,"reason":"the whole window passed before the campaign started"}',
      ],
      [
        'CampaignStarted',
        '{"campaignId":"8","startedAt":"2030-01-01T01:00:00.000Z","scheduledStartAt":null,"trigger":"manual","startedBy":"alice","name":"Open","endAt":null,"campaignType":"","campaignSegments":[],"campaignMessages":[],"campaignMails":[],"campaignSms":[],"campaignVoiceSms":[],"campaignPasses":[],"campaignChannelPriorities":[]}',
      ],
    ]);
  });

  it('writes the campaign id as text, never as a number that could round it', () => {
    const [started] = eventsOfWholeLives();
    expect(campaignEventPayload(started!).campaignId).to.equal('9007199254740993');
  });
});
