import type { Knex } from 'knex';
import {
  CampaignAlreadyExists,
  IdempotencyKeyTaken,
  type CampaignRepository,
  type IdempotencyKey,
  type IdempotencyRecords,
  type Outbox,
  type OutboxSignal,
  type StoredOutcome,
  type Transaction,
  type UnitOfWork,
} from '../../application/index.js';
import { Campaign, type CampaignId, type CampaignEvent } from '../../domain/index.js';
import { selectCampaignColumns, toRow, toSnapshot, type CampaignRow } from './campaign-rows.js';
import { isUniqueViolation } from './database.js';
import { storedOutcome } from './idempotency-rows.js';
import { activeTraceContext } from '../tracing/trace-context.js';
import { outboxRows } from './outbox-rows.js';

export class KnexUnitOfWork implements UnitOfWork {
  /** `outboxSignal` is notified after every commit that appended events. */
  constructor(
    private readonly db: Knex,
    private readonly outboxSignal?: OutboxSignal,
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let outbox: KnexOutbox | undefined;
    const result = await this.db.transaction((trx) => {
      outbox = new KnexOutbox(trx);
      return work({ campaigns: new KnexCampaignRepository(trx), outbox, idempotency: new KnexIdempotencyRecords(trx) });
    });
    if (outbox?.appendedEvents) this.outboxSignal?.notify();
    return result;
  }
}

export class KnexCampaignRepository implements CampaignRepository {
  constructor(private readonly trx: Knex.Transaction) {}

  async find(id: CampaignId): Promise<Campaign | undefined> {
    const row: CampaignRow | undefined = await this.trx('campaigns')
      .select(selectCampaignColumns(this.trx))
      .where('campaigns.id', id.toString())
      .first();
    return row === undefined ? undefined : Campaign.restore(toSnapshot(row));
  }

  async insert(campaign: Campaign): Promise<void> {
    try {
      await this.trx('campaigns').insert(toRow(campaign.snapshot()));
    } catch (error) {
      if (isUniqueViolation(error)) throw new CampaignAlreadyExists(campaign.id.toString());
      throw error;
    }
  }

  async update(campaign: Campaign, expectedVersion: number): Promise<boolean> {
    const { id, ...changes } = toRow(campaign.snapshot());
    const updated = await this.trx('campaigns').where({ id, version: expectedVersion }).update(changes);
    return Number(updated) === 1;
  }

  async remove(campaign: Campaign, expectedVersion: number): Promise<boolean> {
    const deleted = await this.trx('campaigns').where({ id: campaign.id.toString(), version: expectedVersion }).delete();
    return Number(deleted) === 1;
  }
}

export class KnexOutbox implements Outbox {
  appendedEvents = false;

  constructor(private readonly trx: Knex.Transaction) {}

  async append(events: readonly CampaignEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.appendedEvents = true;
    await this.trx('outbox').insert(outboxRows(events, new Date(), activeTraceContext()));
  }
}

export class KnexIdempotencyRecords implements IdempotencyRecords {
  constructor(private readonly trx: Knex.Transaction) {}

  async find(key: IdempotencyKey): Promise<StoredOutcome | undefined> {
    const row = await this.trx('idempotency_keys')
      .select('fingerprint', 'outcome')
      .where({ owner: key.owner, key: key.key })
      .first();
    return row === undefined ? undefined : storedOutcome(row);
  }

  async remember(key: IdempotencyKey, outcome: StoredOutcome, at: Date): Promise<void> {
    try {
      await this.trx('idempotency_keys').insert({
        owner: key.owner,
        key: key.key,
        fingerprint: key.fingerprint,
        outcome: JSON.stringify(outcome),
        created_at: at,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new IdempotencyKeyTaken();
      throw error;
    }
  }
}
