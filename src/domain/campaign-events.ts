import type { CampaignContent } from './campaign-content.js';
import type { CampaignId } from './campaign-id.js';
import type { CampaignStatus } from './campaign-status.js';
import type { DomainEvent } from './domain-event.js';

export type StartTrigger = 'manual' | 'schedule';

/** What every campaign event carries: which event it is, of which campaign, and when it happened. */
interface EventOfCampaign<Type extends string> extends DomainEvent {
  readonly type: Type;
  readonly campaignId: CampaignId;
}

export interface CampaignStarted extends EventOfCampaign<'CampaignStarted'> {
  readonly scheduledStartAt: Date | null;
  readonly trigger: StartTrigger;
  readonly startedBy: string;
  readonly name: string;
  readonly endAt: Date | null;
  /** The content as it is at the start: the event alone tells a sender whom to send what. */
  readonly content: CampaignContent;
}

export interface CampaignPaused extends EventOfCampaign<'CampaignPaused'> {
  readonly pausedBy: string;
}

export interface CampaignResumed extends EventOfCampaign<'CampaignResumed'> {
  readonly resumedBy: string;
}

export interface CampaignTerminated extends EventOfCampaign<'CampaignTerminated'> {
  readonly terminatedBy: string;
  readonly previousStatus: CampaignStatus;
}

export interface CampaignModified extends EventOfCampaign<'CampaignModified'> {
  readonly modifiedBy: string;
  /** The names of the fields whose values changed, content parts included. */
  readonly changedFields: readonly string[];
}

export interface CampaignRestarted extends EventOfCampaign<'CampaignRestarted'> {
  readonly restartedBy: string;
  readonly previousStatus: CampaignStatus;
  readonly changedFields: readonly string[];
}

export interface CampaignDeleted extends EventOfCampaign<'CampaignDeleted'> {
  readonly deletedBy: string;
  readonly previousStatus: CampaignStatus;
}

export interface CampaignCompleted extends EventOfCampaign<'CampaignCompleted'> {
  readonly endAt: Date;
  readonly previousStatus: CampaignStatus;
  /** False when the whole window passed before the campaign started. */
  readonly started: boolean;
}

/** Everything that can happen to a campaign, told apart by `type`. */
export type CampaignEvent =
  | CampaignStarted
  | CampaignPaused
  | CampaignResumed
  | CampaignTerminated
  | CampaignModified
  | CampaignRestarted
  | CampaignDeleted
  | CampaignCompleted;

export type CampaignEventType = CampaignEvent['type'];
