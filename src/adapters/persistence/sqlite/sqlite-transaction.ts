import type { Database } from 'better-sqlite3';
import {
  CampaignAlreadyExists,
  type IdempotencyKey,
  IdempotencyKeyTaken,
  type StoredOutcome,
  type Transaction,
} from '../../../application/index.js';
import { Campaign, type CampaignEvent, type CampaignId } from '../../../domain/index.js';
import { activeTraceContext } from '../../tracing/trace-context.js';
import {
  CAMPAIGN_COLUMNS,
  type CampaignRow,
  toRow,
  toSnapshot,
  WRITTEN_CAMPAIGN_COLUMNS,
} from '../rows/campaign-rows.js';
import { isUniqueViolation } from '../rows/database-values.js';
import { type IdempotencyRow, storedOutcome } from '../rows/idempotency-rows.js';
import { outboxRows } from '../rows/outbox-rows.js';
import { RowsRead } from '../rows/rows-read.js';
import { changedColumnsUpdate } from './changed-columns-update.js';
import { bindable, prepared } from './prepared-statements.js';

export const SELECT_CAMPAIGN = `SELECT ${CAMPAIGN_COLUMNS.map((c) => (c === 'id' ? 'CAST(id AS TEXT) AS id' : c)).join(', ')} FROM campaigns WHERE id = ?`;
export const INSERT_CAMPAIGN = `INSERT INTO campaigns (${WRITTEN_CAMPAIGN_COLUMNS.join(', ')}) VALUES (${WRITTEN_CAMPAIGN_COLUMNS.map((c) => `@${c}`).join(', ')})`;
export const UPDATE_CAMPAIGN = `UPDATE campaigns SET ${WRITTEN_CAMPAIGN_COLUMNS.filter((c) => c !== 'id')
  .map((c) => `${c} = @${c}`)
  .join(', ')} WHERE id = @id AND version = @expectedVersion`;
export const DELETE_CAMPAIGN = 'DELETE FROM campaigns WHERE id = ? AND version = ?';
export const INSERT_OUTBOX = `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, payload, occurred_at, created_at, trace_context)
  VALUES (@event_id, @aggregate_type, @aggregate_id, @event_type, @payload, @occurred_at, @created_at, @trace_context)`;
export const SELECT_OUTCOME = 'SELECT fingerprint, outcome FROM idempotency_keys WHERE owner = ? AND key = ?';
export const INSERT_OUTCOME =
  'INSERT INTO idempotency_keys (owner, key, fingerprint, outcome, created_at) VALUES (?, ?, ?, ?, ?)';

/** What the transaction tells whoever runs the unit: a write is about to run; events were appended. */
export interface UnitWriteHooks {
  beforeWrite(): void;
  eventsAppended(): void;
}

/**
 * The ports of one transaction on a raw SQLite connection, with statements compiled once: the hot path of every
 * write on SQLite. Knex's query building and per-query compilation cost several times the SQL itself.
 */
export function sqliteTransaction(connection: Database, unit: UnitWriteHooks): Transaction {
  const rowsRead = new RowsRead();
  const updateCampaign = (campaign: Campaign, expectedVersion: number): boolean => {
    const read = rowsRead.take(campaign, expectedVersion);
    const row: Record<string, unknown> = bindable(toRow(campaign.snapshot(), read?.name));
    const sql =
      read === undefined ? UPDATE_CAMPAIGN : changedColumnsUpdate(read as unknown as Record<string, unknown>, row);
    row.expectedVersion = expectedVersion;
    return prepared(connection, sql).run(row).changes === 1;
  };
  const removeCampaign = (campaign: Campaign, expectedVersion: number): boolean =>
    prepared(connection, DELETE_CAMPAIGN).run(campaign.id.toString(), expectedVersion).changes === 1;
  return {
    campaigns: {
      async find(id: CampaignId) {
        const row = prepared(connection, SELECT_CAMPAIGN).get(id.toString()) as CampaignRow | undefined;
        if (row === undefined) return undefined;
        return rowsRead.remember(Campaign.restore(toSnapshot(row)), row);
      },
      async insert(campaign: Campaign) {
        unit.beforeWrite();
        try {
          prepared(connection, INSERT_CAMPAIGN).run(bindable(toRow(campaign.snapshot())));
        } catch (error) {
          if (isUniqueViolation(error)) throw new CampaignAlreadyExists(campaign.id.toString());
          throw error;
        }
      },
      async update(campaign: Campaign, expectedVersion: number) {
        unit.beforeWrite();
        return updateCampaign(campaign, expectedVersion);
      },
      async remove(campaign: Campaign, expectedVersion: number) {
        unit.beforeWrite();
        return removeCampaign(campaign, expectedVersion);
      },
      async saveChange(campaign: Campaign, expectedVersion: number, events: readonly CampaignEvent[]) {
        // The rows first: the trace context is current only until the first await (carried-trace-context.ts).
        const rows = outboxRows(events, new Date(), activeTraceContext());
        unit.beforeWrite();
        const written = campaign.isDeleted
          ? removeCampaign(campaign, expectedVersion)
          : updateCampaign(campaign, expectedVersion);
        if (!written || rows.length === 0) return written;
        const insert = prepared(connection, INSERT_OUTBOX);
        for (const row of rows) insert.run(bindable(row));
        unit.eventsAppended();
        return true;
      },
    },
    outbox: {
      async append(events: readonly CampaignEvent[]) {
        if (events.length === 0) return;
        unit.beforeWrite();
        const insert = prepared(connection, INSERT_OUTBOX);
        for (const row of outboxRows(events, new Date(), activeTraceContext())) insert.run(bindable(row));
        unit.eventsAppended();
      },
    },
    idempotency: {
      async find(key: IdempotencyKey) {
        const row = prepared(connection, SELECT_OUTCOME).get(key.owner, key.key) as IdempotencyRow | undefined;
        return row === undefined ? undefined : storedOutcome(row);
      },
      async remember(key: IdempotencyKey, outcome: StoredOutcome, at: Date) {
        unit.beforeWrite();
        try {
          prepared(connection, INSERT_OUTCOME).run(
            key.owner,
            key.key,
            key.fingerprint,
            JSON.stringify(outcome),
            at.getTime(),
          );
        } catch (error) {
          if (isUniqueViolation(error)) throw new IdempotencyKeyTaken();
          throw error;
        }
      },
    },
  };
}
