import type { Knex } from 'knex';
import type { CampaignHistory, CampaignHistoryEntry, CampaignHistoryPage } from '../../../application/index.js';
import type { CampaignId } from '../../../domain/index.js';
import { toDate, toDateOrNull } from '../rows/database-values.js';

interface HistoryRow {
  event_id: string;
  event_type: string;
  payload: string;
  occurred_at: unknown;
  published_at: unknown;
}

/** A campaign's events straight from the outbox (index `outbox_aggregate_sequence`), newest first. */
export class KnexCampaignHistory implements CampaignHistory {
  constructor(private readonly db: Knex) {}

  async eventsOf(id: CampaignId, offset: number, limit: number): Promise<CampaignHistoryPage> {
    const ofCampaign = () => this.db('outbox').where('aggregate_id', id.toString());
    const [counted, rows] = await Promise.all([
      ofCampaign().count({ total: '*' }).first(),
      ofCampaign()
        .select('event_id', 'event_type', 'payload', 'occurred_at', 'published_at')
        .orderBy('sequence', 'desc')
        .offset(offset)
        .limit(limit),
    ]);
    return { total: Number(counted?.total ?? 0), events: (rows as HistoryRow[]).map(toEntry) };
  }
}

function toEntry(row: HistoryRow): CampaignHistoryEntry {
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  return {
    eventId: row.event_id,
    type: row.event_type,
    occurredAt: toDate(row.occurred_at),
    by: actorOf(payload),
    publishedAt: toDateOrNull(row.published_at),
    payload,
  };
}

/** Every event that someone caused names them in one `…By` fact (`startedBy`, `pausedBy`, ...). */
function actorOf(payload: Record<string, unknown>): string | null {
  for (const [field, value] of Object.entries(payload)) {
    if (field.endsWith('By') && typeof value === 'string') return value;
  }
  return null;
}
