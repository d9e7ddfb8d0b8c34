import type { CampaignSnapshot } from '../../domain/index.js';
import { formatVoltMxDate, zoneOffsetMinutes } from './volt-mx-dates.js';

/**
 * A campaign as clients see it: the id as a string, every time ISO-8601 UTC, and beside them the Volt MX
 * `…DateStr` fields in the campaign's zone (UTC when it has none).
 */
export function campaignJson(campaign: CampaignSnapshot) {
  const offset = campaign.zone === null ? 0 : (zoneOffsetMinutes(campaign.zone) ?? 0);
  const volt = (date: Date | null) => (date === null ? null : formatVoltMxDate(date, offset));
  return {
    id: campaign.id.toString(),
    name: campaign.name,
    description: campaign.description,
    status: campaign.status,
    startAt: iso(campaign.startAt),
    endAt: iso(campaign.endAt),
    startedAt: iso(campaign.startedAt),
    pausedAt: iso(campaign.pausedAt),
    terminatedAt: iso(campaign.terminatedAt),
    completedAt: iso(campaign.completedAt),
    createdAt: campaign.createdAt.toISOString(),
    createdBy: campaign.createdBy,
    updatedAt: campaign.updatedAt.toISOString(),
    updatedBy: campaign.updatedBy,
    zone: campaign.zone,
    startDateStr: volt(campaign.startAt),
    endDateStr: volt(campaign.endAt),
    createdDateStr: volt(campaign.createdAt),
    lastModifiedBy: campaign.updatedBy,
    lastModifiedDateStr: volt(campaign.updatedAt),
    pausedDateStr: volt(campaign.pausedAt),
    terminatedDateStr: volt(campaign.terminatedAt),
  };
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
