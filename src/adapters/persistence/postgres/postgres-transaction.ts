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

/** What the service uses of a `pg` client: queries, named ones prepared once per connection. */
export interface PgConnection {
  query<R = Record<string, unknown>>(query: string | QueryConfig): Promise<{ rows: R[]; rowCount: number | null }>;
}

interface QueryConfig {
  name: string;
  text: string;
  values: unknown[];
}

const CHANGED = CAMPAIGN_COLUMNS.filter((c) => c !== 'id');
const OUTBOX_COLUMNS = [
  'event_id',
  'aggregate_type',
  'aggregate_id',
  'event_type',
  'payload',
  'occurred_at',
  'created_at',
  'trace_context',
] as const;

/**
 * Named statements: PostgreSQL parses and plans each once per connection, and the service skips Knex's query
 * building; the SQL is the same as the Knex adapter's.
 */
const STATEMENTS = {
  findCampaign: `SELECT ${CAMPAIGN_COLUMNS.map((c) => (c === 'id' ? 'CAST(id AS TEXT) AS id' : c)).join(', ')} FROM campaigns WHERE id = $1`,
  insertCampaign: `INSERT INTO campaigns (${CAMPAIGN_COLUMNS.join(', ')}) VALUES (${CAMPAIGN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
  updateCampaign: `UPDATE campaigns SET ${CHANGED.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1 AND version = $${CHANGED.length + 2}`,
  removeCampaign: 'DELETE FROM campaigns WHERE id = $1 AND version = $2',
  appendEvent: `INSERT INTO outbox (${OUTBOX_COLUMNS.join(', ')}) VALUES (${OUTBOX_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
  findOutcome: 'SELECT fingerprint, outcome FROM idempotency_keys WHERE owner = $1 AND key = $2',
  rememberOutcome:
    'INSERT INTO idempotency_keys (owner, key, fingerprint, outcome, created_at) VALUES ($1, $2, $3, $4, $5)',
} as const;

const named = (name: keyof typeof STATEMENTS, values: unknown[]): QueryConfig => ({
  name: `campaigns_${name}`,
  text: STATEMENTS[name],
  values,
});

/** The ports of one transaction on a raw PostgreSQL connection, with statements prepared once per connection. */
export function postgresTransaction(connection: PgConnection, onAppend: () => void): Transaction {
  return {
    campaigns: {
      async find(id: CampaignId) {
        const { rows } = await connection.query<CampaignRow>(named('findCampaign', [id.toString()]));
        return rows[0] === undefined ? undefined : Campaign.restore(toSnapshot(rows[0]));
      },
      async insert(campaign: Campaign) {
        const row = toRow(campaign.snapshot());
        try {
          await connection.query(
            named(
              'insertCampaign',
              CAMPAIGN_COLUMNS.map((c) => row[c]),
            ),
          );
        } catch (error) {
          if (isUniqueViolation(error)) throw new CampaignAlreadyExists(campaign.id.toString());
          throw error;
        }
      },
      async update(campaign: Campaign, expectedVersion: number) {
        const row = toRow(campaign.snapshot());
        const result = await connection.query(
          named('updateCampaign', [row.id, ...CHANGED.map((c) => row[c]), expectedVersion]),
        );
        return result.rowCount === 1;
      },
      async remove(campaign: Campaign, expectedVersion: number) {
        const result = await connection.query(named('removeCampaign', [campaign.id.toString(), expectedVersion]));
        return result.rowCount === 1;
      },
    },
    outbox: {
      async append(events: readonly CampaignEvent[]) {
        if (events.length === 0) return;
        for (const row of outboxRows(events, new Date(), activeTraceContext())) {
          await connection.query(
            named(
              'appendEvent',
              OUTBOX_COLUMNS.map((c) => row[c]),
            ),
          );
        }
        onAppend();
      },
    },
    idempotency: {
      async find(key: IdempotencyKey) {
        const { rows } = await connection.query<IdempotencyRow>(named('findOutcome', [key.owner, key.key]));
        return rows[0] === undefined ? undefined : storedOutcome(rows[0]);
      },
      async remember(key: IdempotencyKey, outcome: StoredOutcome, at: Date) {
        try {
          await connection.query(
            named('rememberOutcome', [key.owner, key.key, key.fingerprint, JSON.stringify(outcome), at]),
          );
        } catch (error) {
          if (isUniqueViolation(error)) throw new IdempotencyKeyTaken();
          throw error;
        }
      },
    },
  };
}
