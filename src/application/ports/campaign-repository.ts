import type { Campaign, CampaignId } from '../../domain/index.js';

/** Campaign state inside one transaction. */
export interface CampaignRepository {
  find(id: CampaignId): Promise<Campaign | undefined>;
  /** Throws CampaignAlreadyExists when the id is taken. */
  insert(campaign: Campaign): Promise<void>;
  /** Writes only if the stored version is still `expectedVersion`; false means another writer came first. */
  update(campaign: Campaign, expectedVersion: number): Promise<boolean>;
  /** Deletes only if the stored version is still `expectedVersion`; false means another writer came first. */
  remove(campaign: Campaign, expectedVersion: number): Promise<boolean>;
}
