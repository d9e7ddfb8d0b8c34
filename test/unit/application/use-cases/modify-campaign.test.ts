import { CampaignCommandRunner, ModifyCampaign } from '../../../../src/application/index.js';
import { CampaignId, CampaignTransitionRefused } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { campaignIn, hoursLater } from '../../../mothers/campaign-mother.js';
import { expect } from '../../../support/expect.js';

const id = CampaignId.parse('11');

describe('ModifyCampaign', () => {
  let store: InMemoryUnitOfWork;
  let modify: ModifyCampaign;
  const clock = new FixedClock(hoursLater(30));

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    modify = new ModifyCampaign(new CampaignCommandRunner(store, clock, new SequentialIds()));
  });

  it('changes only the fields given and writes CampaignModified naming them', async () => {
    store.put(campaignIn('paused', { id, name: 'Sale' }, { at: hoursLater(25) }));
    await modify.execute({ campaignId: id, actor: 'bob', changes: { description: 'with email' } });
    expect(store.snapshotOf(id)).to.include({ name: 'Sale', description: 'with email', status: 'paused' });
    expect(store.outbox[0]).to.deep.include({
      type: 'CampaignModified',
      modifiedBy: 'bob',
      changedFields: ['description'],
    });
  });

  it('derives the changes from the campaign as stored when it is read, inside the transaction', async () => {
    store.put(campaignIn('scheduled', { id, name: 'Sale' }));
    await modify.execute({ campaignId: id, actor: 'bob', changes: (current) => ({ name: `${current.name} again` }) });
    expect(store.snapshotOf(id)?.name).to.equal('Sale again');
  });

  it('refuses a running campaign with CAMPAIGN_NOT_MODIFIABLE and writes nothing', async () => {
    store.put(campaignIn('running', { id }, { at: hoursLater(25) }));
    await expect(modify.execute({ campaignId: id, actor: 'bob', changes: { name: 'x' } }))
      .to.be.rejectedWith(CampaignTransitionRefused)
      .and.eventually.have.property('code', 'CAMPAIGN_NOT_MODIFIABLE');
    expect(store.outbox).to.have.length(0);
  });
});
