import type { Knex } from 'knex';
import type { CampaignPage, CampaignReader } from '../../application/index.js';
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

  async list(offset: number, limit: number): Promise<CampaignPage> {
    const [counted, rows] = await Promise.all([
      this.db('campaigns').count({ total: '*' }).first(),
      this.db('campaigns').select(selectCampaignColumns(this.db)).orderBy('campaigns.id').offset(offset).limit(limit),
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
