import { CampaignCommandRunner, PauseCampaign } from '../../../../src/application/index.js';
import { CampaignId, CampaignTransitionRefused } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { campaignIn, hoursLater } from '../../../mothers/campaign-mother.js';
import { expect } from '../../../support/expect.js';

const id = CampaignId.parse('11');

describe('PauseCampaign', () => {
  let store: InMemoryUnitOfWork;
  let pause: PauseCampaign;
  const clock = new FixedClock(hoursLater(30));

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    pause = new PauseCampaign(new CampaignCommandRunner(store, clock, new SequentialIds()));
  });

  it('pauses a running campaign and writes CampaignPaused to the outbox, naming who paused it', async () => {
    store.put(campaignIn('running', { id }, { at: hoursLater(25) }));
    expect(await pause.execute({ campaignId: id, actor: 'bob' })).to.deep.equal({ id: '11', version: 3 });
    expect(store.snapshotOf(id)).to.deep.include({ status: 'paused', pausedAt: clock.now(), updatedBy: 'bob' });
    expect(store.outbox).to.have.length(1);
    expect(store.outbox[0]).to.deep.include({
      type: 'CampaignPaused',
      campaignId: id,
      pausedBy: 'bob',
      occurredAt: clock.now(),
    });
  });

  it('refuses a scheduled campaign with CAMPAIGN_NOT_PAUSABLE and writes nothing', async () => {
    store.put(campaignIn('scheduled', { id }));
    await expect(pause.execute({ campaignId: id, actor: 'bob' }))
      .to.be.rejectedWith(CampaignTransitionRefused)
      .and.eventually.have.property('code', 'CAMPAIGN_NOT_PAUSABLE');
    expect(store.snapshotOf(id)?.status).to.equal('scheduled');
    expect(store.outbox).to.have.length(0);
  });
});
