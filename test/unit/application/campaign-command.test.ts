import { CampaignCommandRunner, CampaignNotFound, IdempotencyKeyReused } from '../../../src/application/index.js';
import { type Act, CampaignId } from '../../../src/domain/index.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../fakes/sequential-ids.js';
import { campaignIn, hoursLater } from '../../mothers/campaign-mother.js';
import { expect } from '../../support/expect.js';

const id = CampaignId.parse('11');

describe('CampaignCommandRunner', () => {
  let store: InMemoryUnitOfWork;
  let commands: CampaignCommandRunner;
  const clock = new FixedClock(hoursLater(30));

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    commands = new CampaignCommandRunner(store, clock, new SequentialIds());
    store.put(campaignIn('running', { id }, { at: hoursLater(25) }));
  });

  it('hands the aggregate the act: the time of the clock, a new event id and the caller', async () => {
    const acts: Act[] = [];
    await commands.run({ campaignId: id, actor: 'bob' }, (campaign, act) => {
      acts.push(act);
      campaign.pause(act);
    });
    expect(acts).to.deep.equal([{ now: clock.now(), eventId: 'event-1', by: 'bob' }]);
  });

  it('saves the decision and its events in one transaction and answers the campaign id', async () => {
    const answer = await commands.run({ campaignId: id, actor: 'bob' }, (campaign, act) => campaign.pause(act));
    expect(answer).to.deep.equal({ id: '11' });
    expect(store.snapshotOf(id)?.status).to.equal('paused');
    expect(store.outbox.map((e) => e.type)).to.deep.equal(['CampaignPaused']);
    expect(store.transactionsRun).to.equal(1);
  });

  it('refuses an unknown campaign as not found, deciding nothing', async () => {
    let decided = false;
    const run = commands.run({ campaignId: CampaignId.parse('12'), actor: 'bob' }, () => {
      decided = true;
    });
    await expect(run).to.be.rejectedWith(CampaignNotFound);
    expect(decided).to.equal(false);
  });

  it('answers a repeated Idempotency-Key with the first answer without deciding again, and refuses it for another request', async () => {
    const pauseKey = { key: 'p-1', fingerprint: 'POST /campaigns/11/pause -' };
    let decisions = 0;
    const pause = () =>
      commands.run({ campaignId: id, actor: 'bob', idempotency: pauseKey }, (campaign, act) => {
        decisions++;
        campaign.pause(act);
      });
    await pause();
    expect(await pause()).to.deep.equal({ id: '11' });
    expect(decisions).to.equal(1);
    expect(store.outbox).to.have.length(1);
    const resume = { key: 'p-1', fingerprint: 'POST /campaigns/11/resume -' };
    await expect(
      commands.run({ campaignId: id, actor: 'bob', idempotency: resume }, (c, act) => c.resume(act)),
    ).to.be.rejectedWith(IdempotencyKeyReused);
  });
});
