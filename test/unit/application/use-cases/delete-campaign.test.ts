import { CampaignCommandRunner, CampaignNotFound, DeleteCampaign } from '../../../../src/application/index.js';
import { CampaignId, CampaignTransitionRefused } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { campaignIn, hoursLater } from '../../../mothers/campaign-mother.js';
import { expect } from '../../../support/expect.js';

const id = CampaignId.parse('11');

describe('DeleteCampaign', () => {
  let store: InMemoryUnitOfWork;
  let deleteCampaign: DeleteCampaign;
  const clock = new FixedClock(hoursLater(30));

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    deleteCampaign = new DeleteCampaign(new CampaignCommandRunner(store, clock, new SequentialIds()));
  });

  it('removes a paused campaign and writes CampaignDeleted; the campaign is then not found', async () => {
    store.put(campaignIn('paused', { id }, { at: hoursLater(25) }));
    await deleteCampaign.execute({ campaignId: id, actor: 'bob' });
    expect(store.snapshotOf(id)).to.equal(undefined);
    expect(store.outbox[0]).to.include({ type: 'CampaignDeleted', deletedBy: 'bob', previousStatus: 'paused' });
    await expect(deleteCampaign.execute({ campaignId: id, actor: 'bob' })).to.be.rejectedWith(CampaignNotFound);
  });

  it('refuses a running campaign with CAMPAIGN_NOT_DELETABLE and keeps it', async () => {
    store.put(campaignIn('running', { id }, { at: hoursLater(25) }));
    await expect(deleteCampaign.execute({ campaignId: id, actor: 'bob' }))
      .to.be.rejectedWith(CampaignTransitionRefused)
      .and.eventually.have.property('code', 'CAMPAIGN_NOT_DELETABLE');
    expect(store.snapshotOf(id)?.status).to.equal('running');
    expect(store.outbox).to.have.length(0);
  });
});
