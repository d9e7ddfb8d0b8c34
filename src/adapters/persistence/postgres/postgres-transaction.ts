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
import { CHANGED, OUTBOX_ARRAY_TYPES, OUTBOX_COLUMNS } from './statement-columns.js';

/** What the service uses of a `pg` client: queries, named ones prepared once per connection. */
export interface PgConnection {
  query<R = Record<string, unknown>>(query: string | QueryConfig): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface QueryConfig {
  name: string;
  text: string;
  values: unknown[];
}

/**
 * One statement that writes a change and its outbox rows, or neither: `changed` is the version-checked write
 * (`$1` the id), and the rows are the arrays from `$first` on, one per outbox column, inserted in their order
 * once per row `changed` returned. It answers how many campaigns it wrote (1, or 0 when the version moved on).
 */
function changeWithEvents(changed: string, first: number): string {
  const arrays = OUTBOX_COLUMNS.map((c, i) => `$${first + i}::${OUTBOX_ARRAY_TYPES[c]}`).join(', ');
  return (
    `WITH changed AS (${changed} RETURNING id), appended AS (INSERT INTO outbox (${OUTBOX_COLUMNS.join(', ')}) ` +
    `SELECT ${OUTBOX_COLUMNS.map((c) => `e.${c}`).join(', ')} FROM changed, ` +
    `unnest(${arrays}) WITH ORDINALITY AS e(${OUTBOX_COLUMNS.join(', ')}, position) ORDER BY e.position) ` +
    'SELECT count(*)::int AS written FROM changed'
  );
}

const UPDATE_CAMPAIGN = `UPDATE campaigns SET ${CHANGED.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1 AND version = $${CHANGED.length + 2}`;
const REMOVE_CAMPAIGN = 'DELETE FROM campaigns WHERE id = $1 AND version = $2';

/**
 * Named statements: PostgreSQL parses and plans each once per connection, and the service skips Knex's query
 * building; the SQL is the same as the Knex adapter's.
 */
const STATEMENTS = {
  findCampaign: `SELECT ${CAMPAIGN_COLUMNS.map((c) => (c === 'id' ? 'CAST(id AS TEXT) AS id' : c)).join(', ')} FROM campaigns WHERE id = $1`,
  insertCampaign: `INSERT INTO campaigns (${CAMPAIGN_COLUMNS.join(', ')}) VALUES (${CAMPAIGN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
  updateCampaign: UPDATE_CAMPAIGN,
  removeCampaign: REMOVE_CAMPAIGN,
  updateWithEvents: changeWithEvents(UPDATE_CAMPAIGN, CHANGED.length + 3),
  removeWithEvents: changeWithEvents(REMOVE_CAMPAIGN, 3),
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
        const result = await connection.query(named('updateCampaign', updateValues(campaign, expectedVersion)));
        return result.rowCount === 1;
      },
      async remove(campaign: Campaign, expectedVersion: number) {
        const result = await connection.query(named('removeCampaign', [campaign.id.toString(), expectedVersion]));
        return result.rowCount === 1;
      },
      async saveChange(campaign: Campaign, expectedVersion: number, events: readonly CampaignEvent[]) {
        const rows = outboxRows(events, new Date(), activeTraceContext());
        const columns = OUTBOX_COLUMNS.map((c) => rows.map((row) => row[c]));
        const write = campaign.isDeleted
          ? named('removeWithEvents', [campaign.id.toString(), expectedVersion, ...columns])
          : named('updateWithEvents', [...updateValues(campaign, expectedVersion), ...columns]);
        const { rows: answer } = await connection.query<{ written: number }>(write);
        const written = answer[0]?.written === 1;
        if (written && events.length > 0) onAppend();
        return written;
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

function updateValues(campaign: Campaign, expectedVersion: number): unknown[] {
  const row = toRow(campaign.snapshot());
  return [row.id, ...CHANGED.map((c) => row[c]), expectedVersion];
}
