import type { CampaignId, CampaignSnapshot } from '../../domain/index.js';

export interface CampaignPage {
  total: number;
  campaigns: CampaignSnapshot[];
}

/** Read side: consistent committed state, no transaction needed. */
export interface CampaignReader {
  findById(id: CampaignId): Promise<CampaignSnapshot | undefined>;
  list(offset: number, limit: number): Promise<CampaignPage>;
}
