import type { CampaignId, CampaignSnapshot } from '../../domain/index.js';

export interface CampaignPage {
  total: number;
  campaigns: CampaignSnapshot[];
}

/** Read side: consistent committed state, no transaction needed. */
export interface CampaignReader {
  findById(id: CampaignId): Promise<CampaignSnapshot | undefined>;
  list(offset: number, limit: number): Promise<CampaignPage>;
  /**
   * Campaigns the schedule must act on at `now`, earliest start first: scheduled ones whose start or end time
   * has come, running or paused ones whose end time has come.
   */
  findDue(now: Date, limit: number): Promise<CampaignId[]>;
}
