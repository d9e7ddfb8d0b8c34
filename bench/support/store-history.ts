import type { Knex } from 'knex';
import { outboxRows } from '../../src/adapters/persistence/rows/outbox-rows.js';
import { TimeOrderedIdGenerator } from '../../src/adapters/system/time-ordered-id-generator.js';
import { startedEvent } from '../../test/mothers/campaign-event-mother.js';
import { mixedCampaignRows } from './mixed-store.js';

/** Events a second the history was written at: the soak's own rate of events. */
const HISTORY_EVENTS_PER_SECOND = 250;
const ROWS_A_STATEMENT = 200;

/**
 * A store that has been running before the traffic: `campaigns` campaigns in every status a running service holds
 * (the mixed store's), ids from `firstId`, and one event of each already published from the outbox, written at the
 * soak's rate of events over the time before it, as the relay leaves them. Every row through the service's tables,
 * so the counted ranges and every index hold them as the service would have.
 */
export async function seedStoreHistory(db: Knex, firstId: number, campaigns: number): Promise<void> {
  const now = Date.now();
  const ids = new TimeOrderedIdGenerator();
  let written = 0;
  const publishedStart = (campaign: { id: string; name: string }) => {
    const occurredAt = new Date(now - ((campaigns - written++) * 1000) / HISTORY_EVENTS_PER_SECOND);
    const event = startedEvent(ids.newEventId(), campaign.id, occurredAt, {
      scheduledStartAt: occurredAt,
      startedBy: 'bench',
      name: campaign.name,
    });
    return { ...outboxRows([event], occurredAt, undefined)[0]!, published_at: new Date(occurredAt.getTime() + 5) };
  };
  await db.transaction(async (trx) => {
    let batch = [];
    for (const campaign of mixedCampaignRows(firstId, campaigns, now)) {
      batch.push(campaign);
      if (batch.length < ROWS_A_STATEMENT && written + batch.length < campaigns) continue;
      await trx('campaigns').insert(batch);
      await trx('outbox').insert(batch.map(publishedStart));
      batch = [];
    }
  });
}
