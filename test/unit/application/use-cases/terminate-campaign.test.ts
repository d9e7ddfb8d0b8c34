import { CampaignCommandRunner, TerminateCampaign } from '../../../../src/application/index.js';
import { CampaignId, CampaignTransitionRefused } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { campaignIn, hoursLater } from '../../../mothers/campaign-mother.js';
import { expect } from '../../../support/expect.js';

const id = CampaignId.parse('11');

describe('TerminateCampaign', () => {
  let store: InMemoryUnitOfWork;
  let terminate: TerminateCampaign;
  const clock = new FixedClock(hoursLater(30));

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    terminate = new TerminateCampaign(new CampaignCommandRunner(store, clock, new SequentialIds()));
  });

  for (const status of ['running', 'paused'] as const) {
    it(`stops a ${status} campaign and writes CampaignTerminated with the status it had`, async () => {
      store.put(campaignIn(status, { id }, { at: hoursLater(25) }));
      await terminate.execute({ campaignId: id, actor: 'bob' });
      expect(store.snapshotOf(id)).to.deep.include({ status: 'terminated', terminatedAt: clock.now() });
      expect(store.outbox[0]).to.include({ type: 'CampaignTerminated', terminatedBy: 'bob', previousStatus: status });
    });
  }

  it('refuses a campaign that never started, with CAMPAIGN_NOT_TERMINABLE', async () => {
    store.put(campaignIn('scheduled', { id }));
    await expect(terminate.execute({ campaignId: id, actor: 'bob' }))
      .to.be.rejectedWith(CampaignTransitionRefused)
      .and.eventually.have.property('code', 'CAMPAIGN_NOT_TERMINABLE');
    expect(store.outbox).to.have.length(0);
  });
});
