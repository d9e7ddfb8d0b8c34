import {
  type CampaignHistory,
  type CampaignHistoryEntry,
  CampaignNotFound,
  ListCampaignEvents,
} from '../../../../src/application/index.js';
import { CampaignId } from '../../../../src/domain/index.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { campaignIn, hoursLater } from '../../../mothers/campaign-mother.js';
import { expect } from '../../../support/expect.js';

const entry = (eventId: string, type: string): CampaignHistoryEntry => ({
  eventId,
  type,
  occurredAt: hoursLater(1),
  by: 'bob',
  publishedAt: null,
  payload: {},
});

/** The history of each campaign id, newest first, as the outbox would answer it. */
function historyOf(entries: Record<string, CampaignHistoryEntry[]>): CampaignHistory {
  return {
    async eventsOf(id, offset, limit) {
      const all = entries[id.toString()] ?? [];
      return { total: all.length, events: all.slice(offset, offset + limit) };
    },
    async pageBytes(id, offset, limit) {
      const page = (entries[id.toString()] ?? []).slice(offset, offset + limit);
      return page.map((entry) => Buffer.byteLength(JSON.stringify(entry.payload)));
    },
  };
}

describe('ListCampaignEvents', () => {
  const store = new InMemoryUnitOfWork();
  store.put(campaignIn('running', { id: CampaignId.parse('3') }));

  it("answers a page of the campaign's history with the total", async () => {
    const history = historyOf({ '3': [entry('e-2', 'CampaignPaused'), entry('e-1', 'CampaignStarted')] });
    const page = await new ListCampaignEvents(store, history).execute({
      campaignId: CampaignId.parse('3'),
      offset: 1,
      limit: 1,
    });
    expect(page.total).to.equal(2);
    expect(page.events.map((e) => e.eventId)).to.deep.equal(['e-1']);
  });

  it('answers the history of a deleted campaign, which is no longer stored', async () => {
    const history = historyOf({ '4': [entry('e-9', 'CampaignDeleted')] });
    const page = await new ListCampaignEvents(store, history).execute({
      campaignId: CampaignId.parse('4'),
      offset: 0,
      limit: 20,
    });
    expect(page.events.map((e) => e.type)).to.deep.equal(['CampaignDeleted']);
  });

  it('answers an empty history for a campaign that has no events yet', async () => {
    const page = await new ListCampaignEvents(store, historyOf({})).execute({
      campaignId: CampaignId.parse('3'),
      offset: 0,
      limit: 20,
    });
    expect(page).to.deep.equal({ total: 0, events: [] });
  });

  it('refuses an id with neither a campaign nor events as not found', async () => {
    await expect(
      new ListCampaignEvents(store, historyOf({})).execute({ campaignId: CampaignId.parse('5'), offset: 0, limit: 20 }),
    ).to.be.rejectedWith(CampaignNotFound);
  });
});
