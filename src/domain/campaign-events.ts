import type { CampaignId } from './campaign-id.js';
import type { DomainEvent } from './domain-event.js';

export type StartTrigger = 'manual' | 'schedule';

export interface CampaignStartedFacts {
  eventId: string;
  campaignId: CampaignId;
  startedAt: Date;
  scheduledStartAt: Date | null;
  trigger: StartTrigger;
  startedBy: string;
}

export function campaignStarted(facts: CampaignStartedFacts): DomainEvent {
  return {
    eventId: facts.eventId,
    type: 'CampaignStarted',
    aggregateId: facts.campaignId.toString(),
    occurredAt: facts.startedAt,
    payload: {
      campaignId: facts.campaignId.toString(),
      startedAt: facts.startedAt.toISOString(),
      scheduledStartAt: facts.scheduledStartAt?.toISOString() ?? null,
      trigger: facts.trigger,
      startedBy: facts.startedBy,
    },
  };
}
