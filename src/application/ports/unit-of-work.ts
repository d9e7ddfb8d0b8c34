import type { CampaignRepository } from './campaign-repository.js';
import type { IdempotencyRecords } from './idempotency-records.js';
import type { Outbox } from './outbox.js';

/** The ports of one transaction: everything a unit of work reads and writes goes through them. */
export interface Transaction {
  campaigns: CampaignRepository;
  outbox: Outbox;
  idempotency: IdempotencyRecords;
}

/** Runs work atomically: all of its writes commit together, or none do. */
export interface UnitOfWork {
  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}
