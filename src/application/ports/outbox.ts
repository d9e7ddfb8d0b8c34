import type { CampaignEvent } from '../../domain/index.js';

/** Events waiting to be published, written in the same transaction as the change that caused them. */
export interface Outbox {
  append(events: readonly CampaignEvent[]): Promise<void>;
}
