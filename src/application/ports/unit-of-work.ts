import type { Campaign, CampaignEvent, CampaignId } from '../../domain/index.js';
import type { IdempotencyKey, StoredOutcome } from '../idempotency.js';

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

/** Events waiting to be published, written in the same transaction as the change that caused them. */
export interface Outbox {
  append(events: readonly CampaignEvent[]): Promise<void>;
}

export interface IdempotencyRecords {
  find(key: IdempotencyKey): Promise<StoredOutcome | undefined>;
  /** Throws IdempotencyKeyTaken when another request already stored an outcome under this key. */
  remember(key: IdempotencyKey, outcome: StoredOutcome, at: Date): Promise<void>;
}

export interface Transaction {
  campaigns: CampaignRepository;
  outbox: Outbox;
  idempotency: IdempotencyRecords;
}

/** Runs work atomically: all of its writes commit together, or none do. */
export interface UnitOfWork {
  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}
