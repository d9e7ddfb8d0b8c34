import type { Knex } from 'knex';
import type { CampaignHistory, CampaignHistoryEntry, CampaignHistoryPage } from '../../../application/index.js';
import type { CampaignId } from '../../../domain/index.js';
import { toDate, toDateOrNull } from '../rows/database-values.js';
import { plannedOnce } from './planned-once.js';

interface HistoryRow {
  event_id: string;
  event_type: string;
  payload: string;
  occurred_at: unknown;
  published_at: unknown;
}

/**
 * A campaign's events straight from the outbox (index `outbox_aggregate_sequence`), newest first. Their plan is the
 * same whatever the campaign, so PostgreSQL plans them once (`planned-once.ts`).
 */
export class KnexCampaignHistory implements CampaignHistory {
  constructor(private readonly db: Knex) {}

  async eventsOf(id: CampaignId, offset: number, limit: number): Promise<CampaignHistoryPage> {
    const [counted, rows] = await Promise.all([
      plannedOnce(this.db, this.ofCampaign(id).count({ total: '*' }).first()),
      plannedOnce(
        this.db,
        this.page(id, offset, limit).select('event_id', 'event_type', 'payload', 'occurred_at', 'published_at'),
      ),
    ]);
    return { total: Number(counted?.total ?? 0), events: (rows as HistoryRow[]).map(toEntry) };
  }

  async pageBytes(id: CampaignId, offset: number, limit: number): Promise<number[]> {
    const rows: Array<{ bytes: unknown }> = await plannedOnce(
      this.db,
      this.page(id, offset, limit).select(this.db.raw('octet_length(payload) AS bytes')),
    );
    return rows.map((row) => Number(row.bytes));
  }

  private ofCampaign(id: CampaignId): Knex.QueryBuilder {
    return this.db('outbox').where('aggregate_id', id.toString());
  }

  private page(id: CampaignId, offset: number, limit: number): Knex.QueryBuilder {
    return this.ofCampaign(id).orderBy('sequence', 'desc').offset(offset).limit(limit);
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
