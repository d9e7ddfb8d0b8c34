import type { Campaign, CampaignEvent, CampaignId } from '../../domain/index.js';

/** Campaign state inside one transaction. */
export interface CampaignRepository {
  find(id: CampaignId): Promise<Campaign | undefined>;
  /** Throws CampaignAlreadyExists when the id is taken. */
  insert(campaign: Campaign): Promise<void>;
  /** Writes only if the stored version is still `expectedVersion`; false means another writer came first. */
  update(campaign: Campaign, expectedVersion: number): Promise<boolean>;
  /** Deletes only if the stored version is still `expectedVersion`; false means another writer came first. */
  remove(campaign: Campaign, expectedVersion: number): Promise<boolean>;
  /**
   * Writes a changed campaign (removes it when the change deleted it) and appends `events` to the outbox, as
   * `update` or `remove` and then `Outbox.append` would, only if the stored version is still `expectedVersion`;
   * false means another writer came first, and then neither the campaign nor the events are written.
   */
  saveChange(campaign: Campaign, expectedVersion: number, events: readonly CampaignEvent[]): Promise<boolean>;
}
