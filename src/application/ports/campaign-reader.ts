import type { CampaignId, CampaignSnapshot, CampaignStatus } from '../../domain/index.js';

export interface CampaignPage {
  total: number;
  campaigns: CampaignSnapshot[];
}

/** `id`: ascending id, the original's order; `newest`: last created first; `nextStart`: earliest start first, campaigns without a start last. */
export const CAMPAIGN_ORDERS = ['id', 'newest', 'nextStart'] as const;
export type CampaignOrder = (typeof CAMPAIGN_ORDERS)[number];

export interface CampaignQuery {
  offset: number;
  limit: number;
  order: CampaignOrder;
  /** Only campaigns in one of these statuses; empty or absent: every status. */
  statuses?: readonly CampaignStatus[];
  /** Campaigns whose name contains this text (case-insensitive), or whose id is exactly this text. */
  search?: string;
}

/** Read side: consistent committed state, no transaction needed. */
export interface CampaignReader {
  findById(id: CampaignId): Promise<CampaignSnapshot | undefined>;
  list(query: CampaignQuery): Promise<CampaignPage>;
  /** The stored bytes of each campaign `list` would answer (its content and description), in the page's order. */
  pageBytes(query: CampaignQuery): Promise<number[]>;
  /**
   * Campaigns the schedule must act on at `now`: scheduled ones whose start or end time has come, running or
   * paused ones whose end time has come. Earliest start first, then earliest end, then lowest id; a campaign
   * without a start or an end date comes after those with one.
   */
  findDue(now: Date, limit: number): Promise<CampaignId[]>;
}
