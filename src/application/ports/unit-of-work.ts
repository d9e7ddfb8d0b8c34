import type { CampaignRepository } from './campaign-repository.js';
import type { IdempotencyRecords } from './idempotency-records.js';
import type { Outbox } from './outbox.js';

/** The ports of one transaction: everything a unit of work reads and writes goes through them. */
export interface Transaction {
  campaigns: CampaignRepository;
  outbox: Outbox;
  idempotency: IdempotencyRecords;
}

/** What a unit of work may be told about its work, so that the store can do it more cheaply. */
export interface UnitOfWorkOptions {
  /**
   * The work reads, then writes once at most, through `campaigns.saveChange` or `campaigns.insert` and as its last
   * step (a lost race answers false, writes nothing and may be followed by another read and `saveChange`; an insert
   * under a taken id writes nothing). A store whose `saveChange` and insert are each one atomic statement may then
   * run the work without a transaction around it: each read sees what was committed when it ran, and the version
   * check of `saveChange` still refuses a change made from a state another writer has since replaced. Any other
   * write in such a unit may be refused.
   */
  singleWrite?: boolean;
}

/** Runs work atomically: all of its writes commit together, or none do. */
export interface UnitOfWork {
  run<T>(work: (tx: Transaction) => Promise<T>, options?: UnitOfWorkOptions): Promise<T>;
}
