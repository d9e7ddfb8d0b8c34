import type { Knex } from 'knex';
import { outboxRows } from '../../src/adapters/persistence/rows/outbox-rows.js';
import { TimeOrderedIdGenerator } from '../../src/adapters/system/time-ordered-id-generator.js';
import { CampaignId, type CampaignStarted, EMPTY_CONTENT } from '../../src/domain/index.js';
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
  const campaignRows = mixedCampaignRows(firstId, campaigns, now);
  await db.transaction(async (trx) => {
    for (let i = 0; i < campaignRows.length; i += ROWS_A_STATEMENT)
      await trx('campaigns').insert(campaignRows.slice(i, i + ROWS_A_STATEMENT));
  });
  await db.transaction(async (trx) => {
    for (let i = 0; i < campaigns; i += ROWS_A_STATEMENT) {
      const rows = [];
      for (let n = i; n < Math.min(i + ROWS_A_STATEMENT, campaigns); n++) {
        const occurredAt = new Date(now - ((campaigns - n) * 1000) / HISTORY_EVENTS_PER_SECOND);
        const event: CampaignStarted = {
          type: 'CampaignStarted',
          eventId: ids.newEventId(),
          campaignId: CampaignId.parse(String(firstId + n)),
          occurredAt,
          scheduledStartAt: occurredAt,
          trigger: 'manual',
          startedBy: 'bench',
          name: `Bench ${firstId + n}`,
          endAt: null,
          content: EMPTY_CONTENT,
        };
        rows.push({
          ...outboxRows([event], occurredAt, undefined)[0]!,
          published_at: new Date(occurredAt.getTime() + 5),
        });
      }
      await trx('outbox').insert(rows);
    }
  });
}
