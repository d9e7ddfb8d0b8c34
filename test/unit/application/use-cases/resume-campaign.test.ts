import { CampaignCommandRunner, ResumeCampaign } from '../../../../src/application/index.js';
import { CampaignExpired, CampaignId } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { campaignIn, hoursLater } from '../../../mothers/campaign-mother.js';
import { expect } from '../../../support/expect.js';

const id = CampaignId.parse('11');

describe('ResumeCampaign', () => {
  let store: InMemoryUnitOfWork;
  let clock: FixedClock;
  let resume: ResumeCampaign;

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    clock = new FixedClock(hoursLater(30));
    resume = new ResumeCampaign(new CampaignCommandRunner(store, clock, new SequentialIds()));
    store.put(campaignIn('paused', { id }, { at: hoursLater(25) }));
  });

  it('runs a paused campaign again, keeping the moment of its pause, and writes CampaignResumed to the outbox', async () => {
    const { pausedAt } = store.snapshotOf(id)!;
    await resume.execute({ campaignId: id, actor: 'bob' });
    expect(store.snapshotOf(id)).to.include({ status: 'running', pausedAt });
    expect(pausedAt).to.be.instanceOf(Date);
    expect(store.outbox.map((e) => e.type)).to.deep.equal(['CampaignResumed']);
  });

  it('refuses once the end date has passed, as expired, and writes nothing', async () => {
    clock.set(hoursLater(48));
    await expect(resume.execute({ campaignId: id, actor: 'bob' })).to.be.rejectedWith(CampaignExpired);
    expect(store.snapshotOf(id)?.status).to.equal('paused');
    expect(store.outbox).to.have.length(0);
  });
});
