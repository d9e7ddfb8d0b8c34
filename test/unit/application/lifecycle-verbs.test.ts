import {
  CampaignNotFound,
  DeleteCampaign,
  IdempotencyKeyReused,
  ModifyCampaign,
  PauseCampaign,
  ResumeCampaign,
  TerminateCampaign,
} from '../../../src/application/index.js';
import { Campaign, CampaignId, CampaignTransitionRefused } from '../../../src/domain/index.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { InMemoryStore } from '../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../fakes/sequential-ids.js';
import { expect } from '../../support/expect.js';
import { snapshotIn } from '../../fakes/campaign-in-status.js';

const id = CampaignId.parse('11');

describe('The lifecycle verbs', () => {
  let store: InMemoryStore;
  const clock = new FixedClock(new Date('2030-01-10T00:00:00Z'));
  const ids = new SequentialIds();
  const command = <T extends object>(extra: T = {} as T) => ({ campaignId: id, actor: 'bob', ...extra });

  beforeEach(() => {
    store = new InMemoryStore();
    const created = Campaign.create(
      { id, name: 'Sale', startAt: new Date('2030-01-05T00:00:00Z'), endAt: new Date('2030-02-01T00:00:00Z'), createdBy: 'a' },
      new Date('2030-01-01T00:00:00Z'),
    );
    store.put(Campaign.restore(snapshotIn(created.snapshot(), 'running', new Date('2030-01-05T00:00:00Z'))));
  });

  it('pause, resume and terminate a campaign, each writing its event to the outbox', async () => {
    await new PauseCampaign(store, clock, ids).execute(command());
    await new ResumeCampaign(store, clock, ids).execute(command());
    await new TerminateCampaign(store, clock, ids).execute(command());
    expect(store.snapshotOf(id)?.status).to.equal('terminated');
    expect(store.outbox.map((e) => e.type)).to.deep.equal(['CampaignPaused', 'CampaignResumed', 'CampaignTerminated']);
  });

  it('delete a paused campaign: it is gone and CampaignDeleted is in the outbox', async () => {
    await new PauseCampaign(store, clock, ids).execute(command());
    await new DeleteCampaign(store, clock, ids).execute(command());
    expect(store.snapshotOf(id)).to.equal(undefined);
    expect(store.outbox.at(-1)!.type).to.equal('CampaignDeleted');
    await expect(new PauseCampaign(store, clock, ids).execute(command())).to.be.rejectedWith(CampaignNotFound);
  });

  it('refuse what the campaign does not allow and write nothing', async () => {
    await expect(new DeleteCampaign(store, clock, ids).execute(command())).to.be.rejectedWith(CampaignTransitionRefused);
    expect(store.outbox).to.have.length(0);
  });

  it('answer a repeated Idempotency-Key with the first answer and refuse it on another verb', async () => {
    const pause = new PauseCampaign(store, clock, ids);
    const pauseKey = { idempotency: { key: 'p-1', fingerprint: 'POST /campaigns/11/pause -' } };
    await pause.execute(command(pauseKey));
    expect(await pause.execute(command(pauseKey))).to.deep.equal({ id: '11' });
    expect(store.outbox).to.have.length(1);
    await expect(new ResumeCampaign(store, clock, ids).execute(command({ idempotency: { key: 'p-1', fingerprint: 'POST /campaigns/11/resume -' } }))).to.be.rejectedWith(IdempotencyKeyReused);
  });

  it('modify changes only the fields given', async () => {
    await new PauseCampaign(store, clock, ids).execute(command());
    await new ModifyCampaign(store, clock, ids).execute(command({ changes: { description: 'with email' } }));
    expect(store.snapshotOf(id)).to.include({ name: 'Sale', description: 'with email', status: 'paused' });
  });
});
