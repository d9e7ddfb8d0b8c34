import { CampaignCommandRunner, RestartCampaign } from '../../../../src/application/index.js';
import { CampaignId, CampaignTransitionRefused, ChangesRequired } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { campaignIn, hoursLater } from '../../../mothers/campaign-mother.js';
import { expect } from '../../../support/expect.js';

const id = CampaignId.parse('11');

describe('RestartCampaign', () => {
  let store: InMemoryUnitOfWork;
  let restart: RestartCampaign;
  const clock = new FixedClock(hoursLater(50));
  const newDates = { startAt: hoursLater(100), endAt: hoursLater(200) };

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    restart = new RestartCampaign(new CampaignCommandRunner(store, clock, new SequentialIds()));
  });

  for (const status of ['terminated', 'completed'] as const) {
    it(`takes a ${status} campaign back to scheduled with its new dates and writes CampaignRestarted`, async () => {
      store.put(campaignIn(status, { id }, { at: hoursLater(25) }));
      await restart.execute({ campaignId: id, actor: 'bob', changes: newDates });
      expect(store.snapshotOf(id)).to.deep.include({
        status: 'scheduled',
        startedAt: null,
        terminatedAt: null,
        completedAt: null,
        ...newDates,
      });
      expect(store.outbox[0]).to.deep.include({
        type: 'CampaignRestarted',
        restartedBy: 'bob',
        previousStatus: status,
        changedFields: ['startAt', 'endAt', 'status'],
      });
    });
  }

  it('modifies a campaign that has not ended, as modify would', async () => {
    store.put(campaignIn('paused', { id }, { at: hoursLater(25) }));
    await restart.execute({ campaignId: id, actor: 'bob', changes: { name: 'Renamed' } });
    expect(store.snapshotOf(id)).to.include({ status: 'paused', name: 'Renamed' });
    expect(store.outbox[0]).to.deep.include({ type: 'CampaignModified', changedFields: ['name'] });
  });

  it('restarts an ended campaign given no changes', async () => {
    store.put(campaignIn('terminated', { id, endAt: hoursLater(100) }, { at: hoursLater(25) }));
    await restart.execute({ campaignId: id, actor: 'bob' });
    expect(store.snapshotOf(id)).to.include({ status: 'scheduled' });
    expect(store.outbox[0]).to.deep.include({ type: 'CampaignRestarted', previousStatus: 'terminated' });
  });

  it('refuses a campaign that has not ended given no changes, as modify would, and writes nothing', async () => {
    store.put(campaignIn('paused', { id }, { at: hoursLater(25) }));
    await expect(restart.execute({ campaignId: id, actor: 'bob' }))
      .to.be.rejectedWith(ChangesRequired)
      .and.eventually.have.property('code', 'INVALID_REQUEST');
    expect(store.snapshotOf(id)).to.include({ status: 'paused' });
    expect(store.outbox).to.have.length(0);
  });

  it('refuses a running campaign with CAMPAIGN_NOT_RESTARTABLE and writes nothing', async () => {
    store.put(campaignIn('running', { id, endAt: hoursLater(100) }, { at: hoursLater(25) }));
    await expect(restart.execute({ campaignId: id, actor: 'bob', changes: {} }))
      .to.be.rejectedWith(CampaignTransitionRefused)
      .and.eventually.have.property('code', 'CAMPAIGN_NOT_RESTARTABLE');
    expect(store.outbox).to.have.length(0);
  });
});
