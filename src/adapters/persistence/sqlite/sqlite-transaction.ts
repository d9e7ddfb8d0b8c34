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
import { CAMPAIGN_COLUMNS, type CampaignRow, toRow, toSnapshot } from '../rows/campaign-rows.js';
import { isUniqueViolation } from '../rows/database-values.js';
import { type IdempotencyRow, storedOutcome } from '../rows/idempotency-rows.js';
import { outboxRows } from '../rows/outbox-rows.js';
import { bindable, prepared } from './prepared-statements.js';

export const SELECT_CAMPAIGN = `SELECT ${CAMPAIGN_COLUMNS.map((c) => (c === 'id' ? 'CAST(id AS TEXT) AS id' : c)).join(', ')} FROM campaigns WHERE id = ?`;
export const INSERT_CAMPAIGN = `INSERT INTO campaigns (${CAMPAIGN_COLUMNS.join(', ')}) VALUES (${CAMPAIGN_COLUMNS.map((c) => `@${c}`).join(', ')})`;
export const UPDATE_CAMPAIGN = `UPDATE campaigns SET ${CAMPAIGN_COLUMNS.filter((c) => c !== 'id')
  .map((c) => `${c} = @${c}`)
  .join(', ')} WHERE id = @id AND version = @expectedVersion`;
export const DELETE_CAMPAIGN = 'DELETE FROM campaigns WHERE id = ? AND version = ?';
export const INSERT_OUTBOX = `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, payload, occurred_at, created_at, trace_context)
  VALUES (@event_id, @aggregate_type, @aggregate_id, @event_type, @payload, @occurred_at, @created_at, @trace_context)`;
export const SELECT_OUTCOME = 'SELECT fingerprint, outcome FROM idempotency_keys WHERE owner = ? AND key = ?';
export const INSERT_OUTCOME =
  'INSERT INTO idempotency_keys (owner, key, fingerprint, outcome, created_at) VALUES (?, ?, ?, ?, ?)';

/**
 * The ports of one transaction on a raw SQLite connection, with statements compiled once: the hot path of every
 * write on SQLite. Knex's query building and per-query compilation cost several times the SQL itself.
 */
export function sqliteTransaction(connection: Database, onAppend: () => void): Transaction {
  return {
    campaigns: {
      async find(id: CampaignId) {
        const row = prepared(connection, SELECT_CAMPAIGN).get(id.toString()) as CampaignRow | undefined;
        return row === undefined ? undefined : Campaign.restore(toSnapshot(row));
      },
      async insert(campaign: Campaign) {
        try {
          prepared(connection, INSERT_CAMPAIGN).run(bindable(toRow(campaign.snapshot())));
        } catch (error) {
          if (isUniqueViolation(error)) throw new CampaignAlreadyExists(campaign.id.toString());
          throw error;
        }
      },
      async update(campaign: Campaign, expectedVersion: number) {
        const row = { ...bindable(toRow(campaign.snapshot())), expectedVersion };
        return prepared(connection, UPDATE_CAMPAIGN).run(row).changes === 1;
      },
      async remove(campaign: Campaign, expectedVersion: number) {
        return prepared(connection, DELETE_CAMPAIGN).run(campaign.id.toString(), expectedVersion).changes === 1;
      },
      async saveChange(campaign: Campaign, expectedVersion: number, events: readonly CampaignEvent[]) {
        // The rows first: the trace context is current only until the first await (carried-trace-context.ts).
        const rows = outboxRows(events, new Date(), activeTraceContext());
        const written = campaign.isDeleted
          ? prepared(connection, DELETE_CAMPAIGN).run(campaign.id.toString(), expectedVersion).changes === 1
          : prepared(connection, UPDATE_CAMPAIGN).run({ ...bindable(toRow(campaign.snapshot())), expectedVersion })
              .changes === 1;
        if (!written || rows.length === 0) return written;
        const insert = prepared(connection, INSERT_OUTBOX);
        for (const row of rows) insert.run(bindable(row));
        onAppend();
        return true;
      },
    },
    outbox: {
      async append(events: readonly CampaignEvent[]) {
        if (events.length === 0) return;
        const insert = prepared(connection, INSERT_OUTBOX);
        for (const row of outboxRows(events, new Date(), activeTraceContext())) insert.run(bindable(row));
        onAppend();
      },
    },
    idempotency: {
      async find(key: IdempotencyKey) {
        const row = prepared(connection, SELECT_OUTCOME).get(key.owner, key.key) as IdempotencyRow | undefined;
        return row === undefined ? undefined : storedOutcome(row);
      },
      async remember(key: IdempotencyKey, outcome: StoredOutcome, at: Date) {
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
