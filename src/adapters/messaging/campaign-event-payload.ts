import type { CampaignEvent } from '../../domain/index.js';

/**
 * The value of a campaign event's Kafka message, as docs/events.md and docs/asyncapi.yaml describe it: the
 * campaign id as decimal text first, then the facts of that event, times in ISO-8601. The outbox stores it as
 * JSON and the relay publishes that text byte for byte, so the order of the fields here is the order on the wire.
 */
export function campaignEventPayload(event: CampaignEvent): Record<string, unknown> {
  const campaignId = event.campaignId.toString();
  const at = event.occurredAt.toISOString();
  switch (event.type) {
    case 'CampaignStarted':
      return {
        campaignId,
        startedAt: at,
        scheduledStartAt: isoOrNull(event.scheduledStartAt),
        trigger: event.trigger,
        startedBy: event.startedBy,
        name: event.name,
        endAt: isoOrNull(event.endAt),
        ...event.content,
      };
    case 'CampaignPaused':
      return { campaignId, pausedAt: at, pausedBy: event.pausedBy };
    case 'CampaignResumed':
      return { campaignId, resumedAt: at, resumedBy: event.resumedBy };
    case 'CampaignTerminated':
      return { campaignId, terminatedAt: at, terminatedBy: event.terminatedBy, previousStatus: event.previousStatus };
    case 'CampaignModified':
      return { campaignId, modifiedBy: event.modifiedBy, changedFields: event.changedFields };
    case 'CampaignRestarted':
      return {
        campaignId,
        restartedBy: event.restartedBy,
        previousStatus: event.previousStatus,
        changedFields: event.changedFields,
      };
    case 'CampaignDeleted':
      return { campaignId, deletedBy: event.deletedBy, previousStatus: event.previousStatus };
    case 'CampaignCompleted':
      return {
        campaignId,
        completedAt: at,
        endAt: event.endAt.toISOString(),
        previousStatus: event.previousStatus,
        started: event.started,
        reason: event.started ? 'end date reached' : 'the whole window passed before the campaign started',
      };
  }
}

function isoOrNull(date: Date | null): string | null {
  return date?.toISOString() ?? null;
}
