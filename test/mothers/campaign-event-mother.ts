import { CampaignId, type CampaignPaused, type CampaignStarted, EMPTY_CONTENT } from '../../src/domain/index.js';

/** A manual start of a campaign with no content, as the outbox and the relay see any other. */
export function startedEvent(
  eventId: string,
  campaignId: string,
  at = new Date(),
  overrides: Partial<CampaignStarted> = {},
): CampaignStarted {
  return {
    type: 'CampaignStarted',
    eventId,
    campaignId: CampaignId.parse(campaignId),
    occurredAt: at,
    scheduledStartAt: null,
    trigger: 'manual',
    startedBy: 'alice',
    name: 'Sale',
    endAt: null,
    content: EMPTY_CONTENT,
    ...overrides,
  };
}

/** The smallest campaign event: a pause, by bob. */
export function pausedEvent(eventId: string, campaignId: string, at = new Date()): CampaignPaused {
  return { type: 'CampaignPaused', eventId, campaignId: CampaignId.parse(campaignId), occurredAt: at, pausedBy: 'bob' };
}
