import type { Knex } from 'knex';
import type { CampaignPage, CampaignReader } from '../../application/index.js';
import type { CampaignId, CampaignSnapshot } from '../../domain/index.js';
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
}
