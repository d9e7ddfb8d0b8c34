import type { CampaignId } from '../../domain/index.js';

export interface IdGenerator {
  /** Globally unique id of one event, used by consumers to drop repeats. */
  newEventId(): string;
  /** A fresh campaign id; unique with overwhelming probability, so callers retry on a collision. */
  newCampaignId(): CampaignId;
}
