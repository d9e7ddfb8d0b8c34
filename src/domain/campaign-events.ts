import type { CampaignContent } from './campaign-content.js';
import type { CampaignId } from './campaign-id.js';
import type { DomainEvent } from './domain-event.js';

export type StartTrigger = 'manual' | 'schedule';

export const CAMPAIGN_EVENT_TYPES = [
  'CampaignStarted',
  'CampaignPaused',
  'CampaignResumed',
  'CampaignTerminated',
  'CampaignModified',
  'CampaignRestarted',
  'CampaignDeleted',
  'CampaignCompleted',
] as const;

export type CampaignEventType = (typeof CAMPAIGN_EVENT_TYPES)[number];

export interface CampaignStartedFacts {
  eventId: string;
  campaignId: CampaignId;
  startedAt: Date;
  scheduledStartAt: Date | null;
  trigger: StartTrigger;
  startedBy: string;
  /** The content as it is at the start: the event alone tells a sender whom to send what. */
  content: CampaignContent;
  name: string;
  endAt: Date | null;
}

export function campaignStarted(facts: CampaignStartedFacts): DomainEvent {
  return campaignEvent('CampaignStarted', facts.eventId, facts.campaignId, facts.startedAt, {
    startedAt: facts.startedAt.toISOString(),
    scheduledStartAt: facts.scheduledStartAt?.toISOString() ?? null,
    trigger: facts.trigger,
    startedBy: facts.startedBy,
    name: facts.name,
    endAt: facts.endAt?.toISOString() ?? null,
    ...facts.content,
  });
}

/** Any campaign event: the campaign id (as text) first, then the facts of that event. */
export function campaignEvent(
  type: CampaignEventType,
  eventId: string,
  campaignId: CampaignId,
  occurredAt: Date,
  facts: Record<string, unknown>,
): DomainEvent {
  return {
    eventId,
    type,
    aggregateId: campaignId.toString(),
    occurredAt,
    payload: { campaignId: campaignId.toString(), ...facts },
  };
}
