export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'terminated', 'completed'] as const;

export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export function isCampaignStatus(value: unknown): value is CampaignStatus {
  return typeof value === 'string' && (CAMPAIGN_STATUSES as readonly string[]).includes(value);
}
