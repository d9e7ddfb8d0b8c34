import {
  CampaignCommandRunner,
  CampaignNotFound,
  IdempotencyKeyReused,
  ReplayedRefusal,
  StartCampaign,
} from '../../../../src/application/index.js';
import { Campaign, CampaignExpired, CampaignId, CampaignNotStartable } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { aCampaign } from '../../../mothers/campaign-mother.js';
import { expect } from '../../../support/expect.js';

const id = CampaignId.parse('9007199254740993');

describe('StartCampaign', () => {
  let store: InMemoryUnitOfWork;
  let clock: FixedClock;
  let startCampaign: StartCampaign;

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    clock = new FixedClock(new Date('2030-01-01T12:00:00Z'));
    startCampaign = new StartCampaign(new CampaignCommandRunner(store, clock, new SequentialIds()));
    store.put(aCampaign({ id, startAt: new Date('2030-02-01T00:00:00Z'), endAt: new Date('2030-03-01T00:00:00Z') }));
  });

  it('starts the campaign and answers its id', async () => {
    const result = await startCampaign.execute({ campaignId: id, actor: 'bob' });
    expect(result).to.deep.equal({ id: '9007199254740993', version: 2 });
    expect(store.snapshotOf(id)?.status).to.equal('running');
    expect(store.snapshotOf(id)?.startedAt).to.deep.equal(clock.now());
  });

  it('writes one CampaignStarted to the outbox in the same transaction, naming who started it', async () => {
    await startCampaign.execute({ campaignId: id, actor: 'bob' });
    expect(store.outbox).to.have.length(1);
    expect(store.outbox[0]).to.deep.include({
      type: 'CampaignStarted',
      campaignId: id,
      startedBy: 'bob',
      trigger: 'manual',
    });
    expect(store.transactionsRun).to.equal(1);
  });

  it('refuses an unknown campaign as not found', async () => {
    await expect(startCampaign.execute({ campaignId: CampaignId.parse('4'), actor: 'bob' })).to.be.rejectedWith(
      CampaignNotFound,
    );
    expect(store.outbox).to.have.length(0);
  });

  it('refuses a campaign that is already running and writes nothing', async () => {
    await startCampaign.execute({ campaignId: id, actor: 'bob' });
    await expect(startCampaign.execute({ campaignId: id, actor: 'carol' })).to.be.rejectedWith(CampaignNotStartable);
    expect(store.outbox).to.have.length(1);
  });

  it('refuses a campaign whose end date has passed', async () => {
    clock.set(new Date('2030-03-01T00:00:00Z'));
    await expect(startCampaign.execute({ campaignId: id, actor: 'bob' })).to.be.rejectedWith(CampaignExpired);
    expect(store.snapshotOf(id)?.status).to.equal('scheduled');
  });

  it('re-reads the campaign when another writer started it between read and write, and refuses naming the state that won', async () => {
    let interfered = false;
    store.beforeWork = async (tx) => {
      if (interfered) return;
      interfered = true;
      const campaign = (await tx.campaigns.find(id))!;
      const asReadBefore = campaign.snapshot();
      campaign.start({ now: clock.now(), eventId: 'other', by: 'scheduler', trigger: 'schedule' });
      await tx.campaigns.update(campaign, asReadBefore.version);
      const find = tx.campaigns.find.bind(tx.campaigns);
      let first = true;
      tx.campaigns.find = async (wanted) => {
        if (!first) return find(wanted);
        first = false;
        return Campaign.restore(asReadBefore);
      };
    };
    await expect(startCampaign.execute({ campaignId: id, actor: 'bob' }))
      .to.be.rejectedWith(CampaignNotStartable)
      .and.eventually.have.property('status', 'running');
  });

  describe('with an Idempotency-Key', () => {
    const withKey = (key: string, campaignId = id, actor = 'bob') => ({
      campaignId,
      actor,
      idempotency: { key, fingerprint: `POST /campaigns/${campaignId}/start -` },
    });

    it('answers a repeat with the first answer and writes nothing more', async () => {
      const first = await startCampaign.execute(withKey('k-1'));
      const again = await startCampaign.execute(withKey('k-1'));
      expect(again).to.deep.equal(first);
      expect(store.outbox).to.have.length(1);
      expect(store.idempotencyRecords).to.equal(1);
    });

    it('answers a repeat of a refusal with the same refusal', async () => {
      await startCampaign.execute({ campaignId: id, actor: 'carol' });
      const first = await startCampaign.execute(withKey('k-2')).catch((e: unknown) => e);
      const again = await startCampaign.execute(withKey('k-2')).catch((e: unknown) => e);
      expect(first).to.be.instanceOf(CampaignNotStartable);
      expect(again).to.be.instanceOf(ReplayedRefusal);
      expect(again).to.include({ code: 'CAMPAIGN_NOT_STARTABLE', message: (first as Error).message });
    });

    it('refuses the same key for another campaign', async () => {
      store.put(aCampaign({ id: CampaignId.parse('5'), name: 'Other' }));
      await startCampaign.execute(withKey('k-3'));
      await expect(startCampaign.execute(withKey('k-3', CampaignId.parse('5')))).to.be.rejectedWith(
        IdempotencyKeyReused,
      );
      expect(store.snapshotOf(CampaignId.parse('5'))?.status).to.equal('scheduled');
    });

    it('keeps keys apart per caller', async () => {
      await startCampaign.execute(withKey('k-4', id, 'bob'));
      await expect(startCampaign.execute(withKey('k-4', id, 'carol'))).to.be.rejectedWith(CampaignNotStartable);
    });

    it('gives every concurrent repeat of one key the same success', async () => {
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => startCampaign.execute(withKey('k-5'))));
      expect(outcomes.every((o) => o.id === '9007199254740993')).to.equal(true);
      expect(store.outbox).to.have.length(1);
    });
  });
});
