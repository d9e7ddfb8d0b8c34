import {
  CampaignChangedSinceRead,
  CampaignCommandRunner,
  CampaignNotFound,
  IdempotencyKeyReused,
  type Transaction,
  type UnitOfWork,
} from '../../../src/application/index.js';
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

  it('saves the decision and its events in one transaction and answers the campaign id and the version it left', async () => {
    const before = store.snapshotOf(id)!.version;
    const answer = await commands.run({ campaignId: id, actor: 'bob' }, (campaign, act) => campaign.pause(act));
    expect(answer).to.deep.equal({ id: '11', version: before + 1 });
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
    const first = await pause();
    expect(await pause()).to.deep.equal(first);
    expect(decisions).to.equal(1);
    expect(store.outbox).to.have.length(1);
    const resume = { key: 'p-1', fingerprint: 'POST /campaigns/11/resume -' };
    await expect(
      commands.run({ campaignId: id, actor: 'bob', idempotency: resume }, (c, act) => c.resume(act)),
    ).to.be.rejectedWith(IdempotencyKeyReused);
  });

  it('runs a command that names the version stored, and refuses one that names another version, deciding and writing nothing', async () => {
    const version = store.snapshotOf(id)!.version;
    const stale = commands.run({ campaignId: id, actor: 'bob', ifVersionIn: [version - 1, version + 1] }, (c, act) =>
      c.pause(act),
    );
    await expect(stale).to.be.rejectedWith(CampaignChangedSinceRead);
    await stale.catch((error: CampaignChangedSinceRead) =>
      expect(error.details()).to.deep.equal({ id: '11', version }),
    );
    expect(store.snapshotOf(id)).to.include({ status: 'running', version });
    expect(store.outbox).to.deep.equal([]);
    await expect(
      commands.run({ campaignId: id, actor: 'bob', ifVersionIn: [version] }, (c, act) => c.pause(act)),
    ).to.eventually.deep.equal({ id: '11', version: version + 1 });
    expect(store.snapshotOf(id)).to.include({ status: 'paused', version: version + 1 });
  });

  it('answers the version a change that changes nothing left, and no version once the campaign is deleted', async () => {
    const version = store.snapshotOf(id)!.version;
    expect(await commands.run({ campaignId: id, actor: 'bob' }, () => {})).to.deep.equal({ id: '11', version });
    await commands.run({ campaignId: id, actor: 'bob' }, (campaign, act) => campaign.pause(act));
    expect(await commands.run({ campaignId: id, actor: 'bob' }, (c, act) => c.delete(act))).to.deep.equal({ id: '11' });
  });

  it("refuses a named version before the campaign's own rules: a stale request learns that the campaign changed", async () => {
    const version = store.snapshotOf(id)!.version;
    const run = commands.run({ campaignId: id, actor: 'bob', ifVersionIn: [version + 1] }, (c, act) => c.resume(act));
    await expect(run).to.be.rejectedWith(CampaignChangedSinceRead);
  });

  it('checks the named version again after a race it lost: the version that won is not the one the caller read', async () => {
    store.put(campaignIn('paused', { id }, { at: hoursLater(25) }));
    const version = store.snapshotOf(id)!.version;
    const racing = new CampaignCommandRunner(losingOnceTo(renamedAnHourLater(clock)), clock, new SequentialIds());
    const run = racing.run({ campaignId: id, actor: 'bob', ifVersionIn: [version] }, (campaign, act) =>
      campaign.modify({ description: 'mine' }, act),
    );
    const refusal = await run.then(
      () => expect.fail('the change was made on a version the caller did not read'),
      (error: unknown) => error,
    );
    expect(refusal).to.be.instanceOf(CampaignChangedSinceRead);
    // The version the other writer made (its change went with this unit, which failed as a whole in this fake).
    expect((refusal as CampaignChangedSinceRead).version).to.equal(version + 1);
    expect(store.outbox.filter((event) => event.eventId !== 'theirs')).to.deep.equal([]);
  });

  it('stamps a change with the time it is decided after the race it lost, never before the change that won', async () => {
    store.put(campaignIn('paused', { id }, { at: hoursLater(25) }));
    const ticking = new FixedClock(hoursLater(30));
    const racing = new CampaignCommandRunner(losingOnceTo(renamedAnHourLater(ticking)), ticking, new SequentialIds());
    await racing.run({ campaignId: id, actor: 'bob' }, (campaign, act) =>
      campaign.modify({ description: 'mine' }, act),
    );
    const [theirs, mine] = store.outbox;
    expect(theirs).to.include({ type: 'CampaignModified', modifiedBy: 'carol' });
    expect(mine).to.include({ type: 'CampaignModified', modifiedBy: 'bob' });
    expect(mine!.occurredAt.getTime()).to.be.at.least(theirs!.occurredAt.getTime());
    expect(store.snapshotOf(id)?.updatedAt.getTime()).to.equal(mine!.occurredAt.getTime());
  });

  /** Another writer, an hour after the clock read, renames the campaign. */
  function renamedAnHourLater(clock: FixedClock) {
    return async (tx: Transaction) => {
      clock.advance(3_600_000);
      const theirs = (await tx.campaigns.find(id))!;
      const version = theirs.version;
      theirs.modify({ name: 'Renamed' }, { now: clock.now(), eventId: 'theirs', by: 'carol' });
      await tx.campaigns.saveChange(theirs, version, theirs.pullEvents());
    };
  }

  /** The store, whose first `saveChange` finds that `competitor` changed the campaign first. */
  function losingOnceTo(competitor: (tx: Transaction) => Promise<void>): UnitOfWork {
    let lost = false;
    return {
      run: (work) =>
        store.run((tx) =>
          work({
            ...tx,
            campaigns: {
              ...tx.campaigns,
              async saveChange(campaign, expectedVersion, events) {
                if (lost) return tx.campaigns.saveChange(campaign, expectedVersion, events);
                lost = true;
                await competitor(tx);
                return false;
              },
            },
          }),
        ),
    };
  }
});
