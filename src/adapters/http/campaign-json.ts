import type { CampaignSnapshot } from '../../domain/index.js';

/** A campaign as clients see it: the id as a string, every time ISO-8601 UTC. */
export function campaignJson(campaign: CampaignSnapshot) {
  return {
    id: campaign.id.toString(),
    name: campaign.name,
    description: campaign.description,
    status: campaign.status,
    startAt: iso(campaign.startAt),
    endAt: iso(campaign.endAt),
    startedAt: iso(campaign.startedAt),
    createdAt: campaign.createdAt.toISOString(),
    createdBy: campaign.createdBy,
    updatedAt: campaign.updatedAt.toISOString(),
  };
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
