import fc from 'fast-check';
import {
  Campaign,
  type CampaignChanges,
  CampaignExpired,
  CampaignId,
  CampaignInvalid,
  CampaignNotDueForCompletion,
  CampaignNotStartable,
  type CampaignStatus,
  CampaignTransitionRefused,
  ChangesRequired,
  EMPTY_CONTENT,
} from '../../../src/domain/index.js';
import { aCampaign, campaignIn, hoursLater, CREATED_AT as now } from '../../mothers/campaign-mother.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

const startBy = (who: string, at = now) => ({ now: at, eventId: 'e-1', by: who, trigger: 'manual' as const });

const at = (hours: number) => hoursLater(hours);
const act = (hours = 0, by = 'bob') => ({ now: at(hours), eventId: `e-${hours}`, by });

/**
 * Campaign 8, "Sale": it starts in 24 hours and ends in 48; the verbs that led it to `status` acted at hour 25 (a
 * start by hand then moved its start date there).
 */
function sale(status: CampaignStatus): Campaign {
  return campaignIn(status, { id: CampaignId.parse('8'), name: 'Sale' }, { at: at(25) });
}

describe('Campaign.create', () => {
  it('is scheduled by default, at version 1, with no start time yet', () => {
    const snapshot = aCampaign().snapshot();
    expect(snapshot.status).to.equal('scheduled');
    expect(snapshot.version).to.equal(1);
    expect(snapshot.startedAt).to.equal(null);
    expect(snapshot.createdBy).to.equal('alice');
  });

  it('can be saved as a draft', () => {
    expect(aCampaign({ status: 'draft' }).status).to.equal('draft');
  });

  it('records no event', () => {
    expect(aCampaign().pullEvents()).to.deep.equal([]);
  });

  it('refuses a blank name', () => {
    expect(() => aCampaign({ name: '   ' }))
      .to.throw(CampaignInvalid)
      .with.property('problems')
      .that.deep.includes({
        field: 'name',
        message: 'must not be blank',
      });
  });

  it('refuses a name longer than 255 characters', () => {
    expect(() => aCampaign({ name: 'x'.repeat(256) })).to.throw(CampaignInvalid);
  });

  it('takes a start date that has passed, as the original does: the campaign is due, for the schedule to start', () => {
    const campaign = aCampaign({ startAt: hoursLater(-24), endAt: hoursLater(24) });
    expect(campaign.status).to.equal('scheduled');
    expect(campaign.isDueToStart(now)).to.equal(true);
    campaign.start({ now, eventId: 'e-1', by: 'scheduler', trigger: 'schedule' });
    expect(campaign.pullEvents()[0]).to.deep.include({ type: 'CampaignStarted', scheduledStartAt: hoursLater(-24) });
  });

  it('refuses an end date before the start date', () => {
    expect(() => aCampaign({ endAt: hoursLater(23) })).to.throw(CampaignInvalid, /endAt must not be before startAt/);
  });

  it('takes an end date at the start date, as the original does: the schedule completes the campaign unstarted then', () => {
    const campaign = aCampaign({ startAt: hoursLater(24), endAt: hoursLater(24) });
    expect(campaign.status).to.equal('scheduled');
    expect(campaign.isDueForCompletion(hoursLater(23))).to.equal(false);
    expect(campaign.isDueForCompletion(hoursLater(24))).to.equal(true);
    campaign.complete({ now: hoursLater(24), eventId: 'e-1', by: 'scheduler' });
    expect(campaign.pullEvents()[0]).to.deep.include({ type: 'CampaignCompleted', started: false });
  });

  it('starts a campaign whose window is one instant by hand before that instant, and refuses it from then on', () => {
    const early = aCampaign({ startAt: hoursLater(24), endAt: hoursLater(24) });
    early.start({ now: hoursLater(1), eventId: 'e-1', by: 'alice', trigger: 'manual' });
    expect(early.snapshot()).to.deep.include({ status: 'running', startAt: hoursLater(1), endAt: hoursLater(24) });
    const late = aCampaign({ startAt: hoursLater(24), endAt: hoursLater(24) });
    expect(() => late.start({ now: hoursLater(24), eventId: 'e-1', by: 'alice', trigger: 'manual' })).to.throw(
      CampaignExpired,
    );
  });

  it("takes a whole window that has passed (the original's own samples are dated 2016): the schedule completes it unstarted", () => {
    const campaign = aCampaign({ startAt: hoursLater(-48), endAt: hoursLater(-24) });
    expect(campaign.isDueForCompletion(now)).to.equal(true);
    campaign.complete({ now, eventId: 'e-1', by: 'scheduler' });
    expect(campaign.pullEvents()[0]).to.deep.include({ type: 'CampaignCompleted', started: false });
  });

  it('names every problem at once', () => {
    try {
      aCampaign({ name: '', description: 'x'.repeat(10_001), startAt: hoursLater(-1), endAt: hoursLater(-2) });
      expect.fail('expected CampaignInvalid');
    } catch (error) {
      expect((error as CampaignInvalid).problems.map((p) => p.field)).to.deep.equal(['description', 'name', 'endAt']);
    }
  });
});

describe('Campaign.start', () => {
  it("started by hand, takes the moment it started as its start date, as the original's Start sets it", () => {
    const campaign = aCampaign();
    campaign.start(startBy('bob', hoursLater(2)));
    expect(campaign.snapshot()).to.deep.include({ startAt: hoursLater(2), startedAt: hoursLater(2) });
    expect(campaign.pullEvents()[0]).to.deep.include({ scheduledStartAt: hoursLater(24) });
  });

  it('started by the scheduler, keeps the start date it was due at', () => {
    const campaign = aCampaign();
    campaign.start({ ...startBy('scheduler', hoursLater(24.5)), trigger: 'schedule' });
    expect(campaign.snapshot()).to.deep.include({ startAt: hoursLater(24), startedAt: hoursLater(24.5) });
  });

  it('moves a scheduled campaign to running and sets startedAt to now', () => {
    const campaign = aCampaign();
    campaign.start(startBy('bob'));
    const snapshot = campaign.snapshot();
    expect(snapshot.status).to.equal('running');
    expect(snapshot.startedAt).to.deep.equal(now);
    expect(snapshot.version).to.equal(2);
  });

  it('records exactly one CampaignStarted with the facts of the start', () => {
    const campaign = aCampaign({ id: CampaignId.parse('9007199254740993') });
    campaign.start(startBy('bob'));
    const events = campaign.pullEvents();
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.equal({
      type: 'CampaignStarted',
      eventId: 'e-1',
      campaignId: CampaignId.parse('9007199254740993'),
      occurredAt: now,
      scheduledStartAt: hoursLater(24),
      trigger: 'manual',
      startedBy: 'bob',
      name: 'Spring sale',
      endAt: hoursLater(48),
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
    const campaign = aCampaign({ content });
    campaign.start(startBy('bob'));
    const [started] = campaign.pullEvents();
    expect(started).to.have.property('content').that.deep.include(content);
    expect(started).to.have.nested.property('content.campaignMails').that.deep.equals([]);
  });

  it("keeps a started campaign's event as it was when the campaign is modified later", () => {
    const campaign = aCampaign({ content: { campaignSegments: [{ id: '51', name: 'Seg' }] } });
    campaign.start(startBy('bob'));
    const started = campaign.pullEvents()[0]!;
    const before = JSON.stringify(started);
    campaign.pause({ now: hoursLater(1), eventId: 'e-2', by: 'bob' });
    campaign.modify(
      { content: { campaignSegments: [{ id: '52', name: 'Other' }] } },
      { now: hoursLater(2), eventId: 'e-3', by: 'bob' },
    );
    expect(JSON.stringify(started)).to.equal(before);
    expect(campaign.snapshot().content.campaignSegments).to.deep.equal([{ id: '52', name: 'Other' }]);
    expect(campaign.pullEvents().at(-1)).to.deep.include({ changedFields: ['campaignSegments'] });
  });

  it('refuses content over its bounds, naming the part', () => {
    const segments = Array.from({ length: 101 }, (_, n) => ({ id: String(n + 1), name: null }));
    expect(() => aCampaign({ content: { campaignSegments: segments } })).to.throw(
      CampaignInvalid,
      /campaignSegments must hold at most 100 items/,
    );
    const huge = 'x'.repeat(100_000);
    const sms = Array.from({ length: 6 }, () => ({ name: '', smsMessage: huge, repeatMessage: null }));
    expect(() => aCampaign({ content: { campaignSms: sms } })).to.throw(
      CampaignInvalid,
      /content must be at most 524288 bytes/,
    );
    expect(() => aCampaign({ content: { campaignChannelPriorities: ['SMS', 'SMS'] } })).to.throw(
      CampaignInvalid,
      /each channel at most once/,
    );
  });

  it('starts a campaign that has no end date', () => {
    const campaign = aCampaign({ endAt: null });
    campaign.start(startBy('bob', hoursLater(10_000)));
    expect(campaign.status).to.equal('running');
  });

  it('starts a campaign before its scheduled start date (that is what starting now means)', () => {
    const campaign = aCampaign();
    campaign.start(startBy('bob', hoursLater(1)));
    expect(campaign.status).to.equal('running');
  });

  for (const status of ['draft', 'running', 'paused', 'terminated', 'completed'] as const) {
    it(`refuses a campaign that is ${status}, naming the status`, () => {
      const campaign = campaignIn(status);
      expect(() => campaign.start(startBy('bob')))
        .to.throw(CampaignNotStartable)
        .with.property('status', status);
      expect(campaign.status).to.equal(status);
      expect(campaign.pullEvents()).to.deep.equal([]);
    });
  }

  it('refuses a campaign whose end date has passed, as expired, naming its status', () => {
    const campaign = aCampaign();
    expect(() => campaign.start(startBy('bob', hoursLater(48))))
      .to.throw(CampaignExpired)
      .with.property('status', 'scheduled');
    expect(campaign.status).to.equal('scheduled');
    expect(campaign.pullEvents()).to.deep.equal([]);
  });

  it('refuses a second start', () => {
    const campaign = aCampaign();
    campaign.start(startBy('bob'));
    expect(() => campaign.start(startBy('bob')))
      .to.throw(CampaignNotStartable)
      .with.property('status', 'running');
  });
});

const ALL: CampaignStatus[] = ['draft', 'scheduled', 'running', 'paused', 'terminated', 'completed'];

function refusesOutside(action: string, allowed: CampaignStatus[], perform: (c: Campaign) => void, code: string) {
  for (const status of ALL.filter((s) => !allowed.includes(s))) {
    it(`refuses to ${action} a ${status} campaign with ${code}, naming the status`, () => {
      const campaign = sale(status);
      expect(() => perform(campaign))
        .to.throw(CampaignTransitionRefused)
        .with.property('code', code);
      expect(campaign.status).to.equal(status);
      expect(campaign.pullEvents()).to.deep.equal([]);
    });
  }
}

describe('Campaign.pause', () => {
  it('pauses a running campaign and records CampaignPaused', () => {
    const campaign = sale('running');
    campaign.pause(act(30));
    expect(campaign.snapshot()).to.include({ status: 'paused', updatedBy: 'bob' });
    expect(campaign.snapshot().pausedAt).to.deep.equal(at(30));
    const [event] = campaign.pullEvents();
    expect(event).to.deep.equal({
      type: 'CampaignPaused',
      eventId: 'e-30',
      campaignId: CampaignId.parse('8'),
      occurredAt: at(30),
      pausedBy: 'bob',
    });
  });
  it('refuses to pause after the end date, as expired, changing nothing', () => {
    const campaign = sale('running');
    expect(() => campaign.pause(act(48)))
      .to.throw(CampaignExpired)
      .with.property('status', 'running');
    expect(campaign.status).to.equal('running');
    expect(campaign.pullEvents()).to.deep.equal([]);
  });
  refusesOutside('pause', ['running'], (c) => c.pause(act()), 'CAMPAIGN_NOT_PAUSABLE');
});

describe('Campaign.resume', () => {
  it('resumes a paused campaign before its end date, keeping the moment of its last pause, and records CampaignResumed', () => {
    const campaign = sale('paused');
    const { pausedAt } = campaign.snapshot();
    campaign.resume(act(30));
    expect(campaign.status).to.equal('running');
    expect(campaign.snapshot().pausedAt).to.deep.equal(pausedAt).and.not.equal(null);
    expect(campaign.pullEvents().map((e) => e.type)).to.deep.equal(['CampaignResumed']);
  });
  it('refuses to resume after the end date, as expired, naming its status', () => {
    expect(() => sale('paused').resume(act(48)))
      .to.throw(CampaignExpired)
      .with.property('status', 'paused');
  });
  refusesOutside('resume', ['paused'], (c) => c.resume(act()), 'CAMPAIGN_NOT_RESUMABLE');
});

describe('Campaign.terminate', () => {
  for (const status of ['running', 'paused'] as const) {
    it(`terminates a ${status} campaign and records CampaignTerminated`, () => {
      const campaign = sale(status);
      campaign.terminate(act(30));
      expect(campaign.status).to.equal('terminated');
      expect(campaign.snapshot().terminatedAt).to.deep.equal(at(30));
      expect(campaign.pullEvents()[0]).to.include({
        type: 'CampaignTerminated',
        terminatedBy: 'bob',
        previousStatus: status,
      });
    });
  }
  for (const status of ['running', 'paused'] as const) {
    it(`refuses to terminate a ${status} campaign after its end date, as expired: it has ended, to be completed`, () => {
      const campaign = sale(status);
      expect(() => campaign.terminate(act(48)))
        .to.throw(CampaignExpired)
        .with.property('status', status);
      expect(campaign.status).to.equal(status);
      expect(campaign.pullEvents()).to.deep.equal([]);
    });
  }
  refusesOutside('terminate', ['running', 'paused'], (c) => c.terminate(act()), 'CAMPAIGN_NOT_TERMINABLE');
});

describe('Campaign.modify', () => {
  for (const status of ['draft', 'scheduled', 'paused'] as const) {
    it(`changes the given fields of a ${status} campaign and keeps the rest`, () => {
      const campaign = sale(status);
      const startAt = campaign.snapshot().startAt;
      campaign.modify({ name: 'Bigger sale', description: 'now with push' }, act(1));
      expect(campaign.snapshot()).to.include({ name: 'Bigger sale', description: 'now with push', status });
      expect(campaign.snapshot().startAt).to.deep.equal(startAt);
      const [event] = campaign.pullEvents();
      expect(event).to.deep.include({ type: 'CampaignModified', changedFields: ['name', 'description'] });
    });
  }

  for (const status of ['draft', 'scheduled', 'paused'] as const) {
    it(`changes nothing of a ${status} campaign given only what it holds: no new version, no event`, () => {
      const campaign = sale(status);
      const { name, startAt, endAt, zone, description } = campaign.snapshot();
      const before = campaign.snapshot();
      campaign.modify({ name, startAt, endAt, zone, description, content: EMPTY_CONTENT }, act(30));
      campaign.modify({}, act(31));
      expect(campaign.snapshot()).to.deep.equal(before);
      expect(campaign.pullEvents()).to.deep.equal([]);
    });
  }

  it('changes nothing given free-form objects whose keys come in another order, however deep (generated)', () => {
    /** A JSON object and the same object with the keys of every object in it in reverse order. */
    const reordered = fc
      .dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 2, maxKeys: 6 })
      .map((props) => ({ props, shuffled: reversedKeys(props) as typeof props }));
    fc.assert(
      fc.property(reordered, ({ props, shuffled }) => {
        const message = (platformSpecificProps: unknown) => ({
          campaignMessages: [
            {
              name: 'Deals',
              message: 'Hi',
              richContent: '',
              platformSpecificProps,
              application: { appId: 'app-1', applicationName: null },
              repeatMessage: null,
            },
          ],
        });
        const campaign = aCampaign({ content: message(props) as never });
        const before = campaign.snapshot();
        campaign.modify({ content: message(shuffled) as never }, act(1));
        expect(campaign.snapshot()).to.deep.equal(before);
        expect(campaign.pullEvents()).to.deep.equal([]);
      }),
      propertyParameters(200),
    );
  });

  it('clears a field given as null', () => {
    const campaign = sale('scheduled');
    campaign.modify({ endAt: null }, act(1));
    expect(campaign.snapshot().endAt).to.equal(null);
  });

  it('publishes a draft by changing its status to scheduled', () => {
    const campaign = sale('draft');
    campaign.modify({ status: 'scheduled' }, act(1));
    expect(campaign.status).to.equal('scheduled');
  });

  it('publishes a draft whose start date has passed: it is due, for the schedule to start', () => {
    const stale = sale('draft');
    stale.modify({ status: 'scheduled' }, act(30));
    expect(stale.snapshot()).to.deep.include({ status: 'scheduled', startAt: at(24) });
    expect(stale.isDueToStart(act(30).now)).to.equal(true);
  });

  it('publishes a draft whose end date has passed: its window is over, for the schedule to complete unstarted', () => {
    const ended = sale('draft');
    ended.modify({ status: 'scheduled' }, act(50));
    expect(ended.status).to.equal('scheduled');
    expect(ended.isDueForCompletion(act(50).now)).to.equal(true);
  });

  it('refuses to change the status of a paused campaign', () => {
    expect(() => sale('paused').modify({ status: 'draft' }, act(1))).to.throw(CampaignInvalid, /status/);
  });

  it('validates like create: a new start date may have passed, and must come before the end', () => {
    const moved = sale('scheduled');
    moved.modify({ startAt: at(-1) }, act(1));
    expect(moved.snapshot().startAt).to.deep.equal(at(-1));
    expect(() => sale('scheduled').modify({ startAt: at(60) }, act(1))).to.throw(
      CampaignInvalid,
      /endAt must not be before startAt/,
    );
  });

  it('lets a campaign whose start date has passed change its name', () => {
    const campaign = sale('paused');
    campaign.modify({ name: 'Renamed' }, act(30));
    expect(campaign.snapshot().name).to.equal('Renamed');
  });

  it('takes back a start date that has passed when it is the stored one (a client posting what it read)', () => {
    const campaign = sale('paused');
    campaign.modify({ name: 'Renamed', startAt: at(25), endAt: at(48) }, act(30));
    expect(campaign.snapshot()).to.include({ name: 'Renamed' });
    expect(campaign.pullEvents().at(-1)).to.deep.include({ changedFields: ['name'] });
  });

  it('refuses a restart whose new start date has passed: a restart schedules a run still to come', () => {
    expect(() => sale('terminated').restart({ startAt: at(26), endAt: at(60) }, act(30))).to.throw(
      CampaignInvalid,
      /startAt must be in the future/,
    );
  });

  refusesOutside(
    'modify',
    ['draft', 'scheduled', 'paused'],
    (c) => c.modify({ name: 'x' }, act()),
    'CAMPAIGN_NOT_MODIFIABLE',
  );

  it('keeps its id, its creation and its own count of versions, whatever a change carries', () => {
    const campaign = sale('scheduled');
    const before = campaign.snapshot();
    const smuggled = {
      name: 'Renamed',
      id: CampaignId.parse('9'),
      version: 40,
      createdBy: 'mallory',
      createdAt: at(-100),
    };
    campaign.modify(smuggled as CampaignChanges, act(1));
    expect(campaign.snapshot()).to.deep.include({
      name: 'Renamed',
      id: before.id,
      version: before.version + 1,
      createdBy: before.createdBy,
      createdAt: before.createdAt,
    });
    expect(campaign.pullEvents()).to.have.nested.property('[0].changedFields').that.deep.equals(['name']);
  });
});

describe('Campaign.restart', () => {
  for (const status of ['terminated', 'completed'] as const) {
    it(`takes a ${status} campaign back to scheduled, its moments cleared, and records CampaignRestarted`, () => {
      const campaign = sale(status);
      campaign.restart({ startAt: at(100), endAt: at(200) }, act(50));
      expect(campaign.snapshot()).to.include({
        status: 'scheduled',
        startedAt: null,
        pausedAt: null,
        terminatedAt: null,
        completedAt: null,
      });
      const [event] = campaign.pullEvents();
      expect(event).to.deep.include({
        type: 'CampaignRestarted',
        previousStatus: status,
        restartedBy: 'bob',
        changedFields: ['startAt', 'endAt', 'status'],
      });
    });
  }

  for (const status of ['terminated', 'completed'] as const) {
    it(`drops the start date of a ${status} campaign when none is given: it waits for a start instead of running again at once`, () => {
      const campaign = sale(status);
      campaign.restart({ endAt: at(200) }, act(50));
      expect(campaign.snapshot()).to.include({ status: 'scheduled', startAt: null });
      expect(campaign.isDueToStart(at(51))).to.equal(false);
      expect(campaign.pullEvents().at(-1)).to.deep.include({ changedFields: ['endAt', 'startAt', 'status'] });
    });
  }

  it('names in changedFields exactly the fields whose value the modify or restart changed, status included (generated)', () => {
    const FIELDS = ['name', 'description', 'zone', 'startAt', 'endAt', 'status'] as const;
    const same = (a: unknown, b: unknown) =>
      a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
    const option = <T>(value: T) => fc.constantFrom<'absent' | 'same' | T>('absent', 'same', value);
    fc.assert(
      fc.property(
        fc.constantFrom<CampaignStatus>(...ALL),
        fc.record({
          name: option('Renamed'),
          description: option('Other words'),
          zone: option('Europe/Paris'),
          startAt: option(at(100)),
          endAt: option(at(200)),
          status: fc.constantFrom<'absent' | 'same' | 'draft' | 'scheduled'>('absent', 'same', 'draft', 'scheduled'),
        }),
        (status, chosen) => {
          const campaign = sale(status);
          const before = campaign.snapshot();
          const changes: Record<string, unknown> = {};
          for (const field of FIELDS) {
            const choice = chosen[field];
            if (choice !== 'absent') changes[field] = choice === 'same' ? before[field] : choice;
          }
          try {
            campaign.restart(changes as CampaignChanges, act(50));
          } catch (error) {
            if (error instanceof CampaignInvalid || error instanceof CampaignTransitionRefused) return;
            throw error;
          }
          const after = campaign.snapshot();
          const changed = FIELDS.filter((field) => !same(before[field], after[field]));
          const events = campaign.pullEvents();
          if (changed.length === 0) {
            expect(events).to.deep.equal([]);
            return;
          }
          const last = events.at(-1) as unknown as { changedFields: string[] };
          expect([...last.changedFields].sort()).to.deep.equal([...changed].sort());
        },
      ),
      propertyParameters(300),
    );
  });

  it('takes an ended campaign back to draft when the changes say so', () => {
    const campaign = sale('terminated');
    campaign.restart({ status: 'draft', endAt: at(200) }, act(50));
    expect(campaign.status).to.equal('draft');
  });

  it('modifies a campaign that has not ended, as modify would, and records CampaignModified', () => {
    const campaign = sale('paused');
    campaign.restart({ name: 'Renamed' }, act(30));
    expect(campaign.snapshot()).to.include({ status: 'paused', name: 'Renamed' });
    expect(campaign.pullEvents()).to.have.length(1).and.to.have.nested.property('[0].type', 'CampaignModified');
  });

  for (const status of ['draft', 'scheduled', 'paused'] as const) {
    it(`refuses to restart a ${status} campaign without changes, as a modify without them is refused`, () => {
      const campaign = sale(status);
      expect(() => campaign.restart(undefined, act(30)))
        .to.throw(ChangesRequired)
        .with.property('code', 'INVALID_REQUEST');
      expect(campaign.status).to.equal(status);
      expect(campaign.pullEvents()).to.deep.equal([]);
    });
  }

  it('restarts an ended campaign without changes while its end date lies ahead', () => {
    const campaign = sale('terminated');
    campaign.restart(undefined, act(30));
    expect(campaign.status).to.equal('scheduled');
    expect(campaign.pullEvents()).to.have.nested.property('[0].type', 'CampaignRestarted');
  });

  it('refuses a running campaign as not restartable, with changes or without', () => {
    for (const changes of [undefined, {}]) {
      expect(() => sale('running').restart(changes, act(30)))
        .to.throw(CampaignTransitionRefused)
        .with.property('code', 'CAMPAIGN_NOT_RESTARTABLE');
    }
  });

  it('refuses a restart whose end date has already passed', () => {
    expect(() => sale('completed').restart({}, act(50))).to.throw(CampaignInvalid, /endAt must be in the future/);
  });

  refusesOutside(
    'restart',
    ['draft', 'scheduled', 'paused', 'terminated', 'completed'],
    (c) => c.restart({}, act(1)),
    'CAMPAIGN_NOT_RESTARTABLE',
  );
});

describe('Campaign.delete', () => {
  for (const status of ['draft', 'scheduled', 'paused'] as const) {
    it(`deletes a ${status} campaign and records CampaignDeleted`, () => {
      const campaign = sale(status);
      campaign.delete(act(1));
      expect(campaign.isDeleted).to.equal(true);
      expect(campaign.pullEvents()[0]).to.include({
        type: 'CampaignDeleted',
        deletedBy: 'bob',
        previousStatus: status,
      });
    });
  }
  refusesOutside('delete', ['draft', 'scheduled', 'paused'], (c) => c.delete(act()), 'CAMPAIGN_NOT_DELETABLE');
});

describe('Campaign.complete', () => {
  for (const status of ['running', 'paused'] as const) {
    it(`completes a ${status} campaign once its end date has come`, () => {
      const campaign = sale(status);
      expect(campaign.isDueForCompletion(at(47))).to.equal(false);
      campaign.complete(act(48, 'scheduler'));
      expect(campaign.status).to.equal('completed');
      expect(campaign.pullEvents()[0]).to.include({ type: 'CampaignCompleted', started: true, previousStatus: status });
    });
  }

  it('completes a campaign whose whole window passed before it started, and says so', () => {
    const campaign = sale('scheduled');
    campaign.complete(act(49, 'scheduler'));
    expect(campaign.snapshot()).to.include({ status: 'completed', startedAt: null });
    const [event] = campaign.pullEvents();
    expect(event).to.include({ type: 'CampaignCompleted', started: false, previousStatus: 'scheduled' });
  });

  it('refuses to complete before the end date, saying which date it waits for', () => {
    expect(() => sale('running').complete(act(10)))
      .to.throw(
        CampaignNotDueForCompletion,
        'Campaign 8 cannot complete: its end date 2030-01-03T00:00:00.000Z has not come',
      )
      .with.property('code', 'CAMPAIGN_NOT_COMPLETABLE');
  });

  it('refuses to complete a campaign without an end date, saying so', () => {
    const created = Campaign.create(
      { id: CampaignId.parse('8'), name: 'Sale', startAt: at(24), createdBy: 'alice' },
      now,
    );
    expect(() => created.complete(act(100))).to.throw(
      CampaignNotDueForCompletion,
      /cannot complete: it has no end date$/,
    );
  });

  it('knows when a scheduled campaign is due to start', () => {
    const campaign = sale('scheduled');
    expect([campaign.isDueToStart(at(23)), campaign.isDueToStart(at(24))]).to.deep.equal([false, true]);
  });
});

/** `value` with the keys of each object in it in reverse order (JavaScript keeps integer-like keys ascending). */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .map(([key, item]) => [key, reversedKeys(item)] as const)
      .reverse(),
  );
}
