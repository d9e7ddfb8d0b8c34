import type { Knex } from 'knex';
import type { CampaignOrder, CampaignPage, CampaignQuery, CampaignReader } from '../../application/index.js';
import { CampaignId, type CampaignSnapshot } from '../../domain/index.js';
import { selectCampaignColumns, toSnapshot, type CampaignRow } from './campaign-rows.js';

export class KnexCampaignReader implements CampaignReader {
  constructor(private readonly db: Knex) {}

  async findById(id: CampaignId): Promise<CampaignSnapshot | undefined> {
    const row: CampaignRow | undefined = await this.db('campaigns')
      .select(selectCampaignColumns(this.db))
      .where('campaigns.id', id.toString())
      .first();
    return row === undefined ? undefined : toSnapshot(row);
  }

  async list(query: CampaignQuery): Promise<CampaignPage> {
    const matching = () => this.db('campaigns').where((where) => filter(where, query));
    const [counted, rows] = await Promise.all([
      matching().count({ total: '*' }).first(),
      matching().select(selectCampaignColumns(this.db)).orderByRaw(ORDER_BY[query.order]).offset(query.offset).limit(query.limit),
    ]);
    return { total: Number(counted?.total ?? 0), campaigns: (rows as CampaignRow[]).map(toSnapshot) };
  }

  async findDue(now: Date, limit: number): Promise<CampaignId[]> {
    const rows: Array<{ id: string }> = await this.db('campaigns')
      .select(this.db.raw('CAST(id AS TEXT) AS id'))
      .where((due) =>
        due
          .where((q) => q.where('status', 'scheduled').andWhere((w) => w.where('start_at', '<=', now).orWhere('end_at', '<=', now)))
          .orWhere((q) => q.whereIn('status', ['running', 'paused']).andWhere('end_at', '<=', now)),
      )
      .orderByRaw('start_at IS NULL, start_at, end_at, campaigns.id')
      .limit(limit);
    return rows.map((row) => CampaignId.parse(String(row.id)));
  }
}

const ORDER_BY: Record<CampaignOrder, string> = {
  id: 'campaigns.id',
  newest: 'created_at DESC, campaigns.id DESC',
  nextStart: 'start_at IS NULL, start_at, campaigns.id',
};

function filter(where: Knex.QueryBuilder, query: CampaignQuery): void {
  if (query.statuses !== undefined && query.statuses.length > 0) where.whereIn('status', [...query.statuses]);
  const search = query.search?.trim();
  if (search === undefined || search === '') return;
  where.andWhere((text) => {
    text.whereRaw("LOWER(name) LIKE ? ESCAPE '\\'", [`%${escapeLike(search.toLowerCase())}%`]);
    if (CampaignId.isCanonical(search)) text.orWhere('campaigns.id', search);
  });
}

/** `%`, `_` and the escape character itself match only themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
