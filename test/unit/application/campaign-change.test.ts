import fc from 'fast-check';
import { changeCampaign } from '../../../src/application/campaign-change.js';
import type { Transaction } from '../../../src/application/index.js';
import { Campaign, type CampaignEvent, type CampaignSnapshot } from '../../../src/domain/index.js';
import { campaignIn, hoursLater } from '../../mothers/campaign-mother.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

/** What a write attempt meets: another writer's change first, a failure on an unchanged campaign, or success. */
type Attempt = 'another writer came first' | 'failed, nobody changed it' | 'written';

/**
 * One campaign whose `saveChange` meets the attempts as scripted (then writes): another writer's change renames
 * the campaign and moves its version on, as a change committed between the read and the write does.
 */
function storeMeeting(script: readonly Attempt[]) {
  let stored: CampaignSnapshot = campaignIn('paused').snapshot();
  const written: CampaignEvent[][] = [];
  let attempts = 0;
  const tx = {
    campaigns: {
      find: async (id) => (id.toString() === stored.id.toString() ? Campaign.restore(stored) : undefined),
      async saveChange(campaign: Campaign, expectedVersion: number, events: readonly CampaignEvent[]) {
        const attempt = script[attempts++] ?? 'written';
        if (attempt === 'another writer came first') {
          const other = Campaign.restore(stored);
          other.modify(
            { name: `renamed ${attempts}` },
            { now: hoursLater(2), eventId: `other-${attempts}`, by: 'bob' },
          );
          stored = other.snapshot();
          return false;
        }
        if (attempt === 'failed, nobody changed it' || stored.version !== expectedVersion) return false;
        stored = campaign.snapshot();
        written.push([...events]);
        return true;
      },
    },
  } as Transaction;
  return { tx, written, stored: () => stored, attempts: () => attempts };
}

const changeDescription = (campaign: Campaign) =>
  campaign.modify({ description: 'changed by this change' }, { now: hoursLater(3), eventId: 'mine', by: 'alice' });

describe('changeCampaign', () => {
  it('writes a change however many other writers come first: each lost race reads again and decides again', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 200 }), async (othersFirst) => {
        const store = storeMeeting(Array(othersFirst).fill('another writer came first'));
        let decisions = 0;
        await changeCampaign(store.tx, campaignIn('paused').id, (campaign) => {
          decisions++;
          changeDescription(campaign);
        });
        expect(decisions).to.equal(othersFirst + 1);
        expect(store.written.map((events) => events.map((e) => e.eventId))).to.deep.equal([['mine']]);
        expect(store.stored().description).to.equal('changed by this change');
        expect(store.stored().name).to.equal(othersFirst === 0 ? 'Spring sale' : `renamed ${othersFirst}`);
      }),
      propertyParameters(50),
    );
  });

  it('writes a change whose writes fail now and then on an unchanged campaign, as a deadlock victim does, while others change it', async () => {
    const attempts = fc.constantFrom<Attempt>('another writer came first', 'failed, nobody changed it');
    const noFiveUnchangedInARow = (script: Attempt[]) =>
      !script.join().includes(Array(5).fill('failed, nobody changed it').join());
    await fc.assert(
      fc.asyncProperty(fc.array(attempts, { maxLength: 60 }).filter(noFiveUnchangedInARow), async (script) => {
        const store = storeMeeting(script);
        await changeCampaign(store.tx, campaignIn('paused').id, changeDescription);
        expect(store.written).to.have.length(1);
      }),
      propertyParameters(100),
    );
  });

  it('fails, rather than trying for ever, when its write fails five times in a row on a campaign nobody changed', async () => {
    const store = storeMeeting(Array(100).fill('failed, nobody changed it'));
    await expect(changeCampaign(store.tx, campaignIn('paused').id, changeDescription)).to.be.rejectedWith(
      /could not be written, though nobody else changed it/,
    );
    expect(store.attempts()).to.equal(5);
    expect(store.written).to.deep.equal([]);
  });
});
