import type { Campaign } from '../../../domain/index.js';
import type { CampaignRow } from './campaign-rows.js';

/**
 * The row each campaign of a unit of work was read from, so that its write sets only what changed since: on SQLite
 * the columns that differ, on both databases the name's folded copy only with a new name (`toRow`).
 */
export class RowsRead {
  private readonly rows = new WeakMap<Campaign, CampaignRow>();

  remember(campaign: Campaign, row: CampaignRow): Campaign {
    this.rows.set(campaign, row);
    return campaign;
  }

  /**
   * The row `campaign` was read from, when the write expects the version read (a write against another version
   * knows nothing of the row it replaces); forgotten either way, since the write replaces it.
   */
  take(campaign: Campaign, expectedVersion: number): CampaignRow | undefined {
    const row = this.rows.get(campaign);
    this.rows.delete(campaign);
    return row !== undefined && Number(row.version) === expectedVersion ? row : undefined;
  }
}
