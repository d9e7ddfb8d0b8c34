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
import { CHANGED, OUTBOX_ARRAY_TYPES, OUTBOX_COLUMNS, RENAMED } from './statement-columns.js';

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

/** The version-checked UPDATE setting `columns` (`$1` the id, the expected version last). */
const updateSetting = (columns: readonly string[]) =>
  `UPDATE campaigns SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1 AND version = $${columns.length + 2}`;
const UPDATE_CAMPAIGN = updateSetting(CHANGED);
const RENAME_CAMPAIGN = updateSetting(RENAMED);
const REMOVE_CAMPAIGN = 'DELETE FROM campaigns WHERE id = $1 AND version = $2';

/**
 * Named statements: PostgreSQL parses and plans each once per connection, and the service skips Knex's query
 * building; the SQL is the same as the Knex adapter's.
 */
const STATEMENTS = {
  findCampaign: `SELECT ${CAMPAIGN_COLUMNS.map((c) => (c === 'id' ? 'CAST(id AS TEXT) AS id' : c)).join(', ')} FROM campaigns WHERE id = $1`,
  insertCampaign: `INSERT INTO campaigns (${WRITTEN_CAMPAIGN_COLUMNS.join(', ')}) VALUES (${WRITTEN_CAMPAIGN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
  updateCampaign: UPDATE_CAMPAIGN,
  renameCampaign: RENAME_CAMPAIGN,
  removeCampaign: REMOVE_CAMPAIGN,
  updateWithEvents: changeWithEvents(UPDATE_CAMPAIGN, CHANGED.length + 3),
  renameWithEvents: changeWithEvents(RENAME_CAMPAIGN, RENAMED.length + 3),
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
  const rowsRead = new RowsRead();
  return {
    campaigns: {
      async find(id: CampaignId) {
        const { rows } = await connection.query<CampaignRow>(named('findCampaign', [id.toString()]));
        const row = rows[0];
        return row === undefined ? undefined : rowsRead.remember(Campaign.restore(toSnapshot(row)), row);
      },
      async insert(campaign: Campaign) {
        const row = toRow(campaign.snapshot());
        try {
          await connection.query(
            named(
              'insertCampaign',
              WRITTEN_CAMPAIGN_COLUMNS.map((c) => row[c]),
            ),
          );
        } catch (error) {
          if (isUniqueViolation(error)) throw new CampaignAlreadyExists(campaign.id.toString());
          throw error;
        }
      },
      async update(campaign: Campaign, expectedVersion: number) {
        const { renamed, values } = updateOf(campaign, expectedVersion, rowsRead);
        const result = await connection.query(named(renamed ? 'renameCampaign' : 'updateCampaign', values));
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
          : updateWithEvents(updateOf(campaign, expectedVersion, rowsRead), columns);
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

interface CampaignUpdate {
  /** The name changed since the campaign was read here: its folded copy is written too. */
  renamed: boolean;
  values: unknown[];
}

function updateOf(campaign: Campaign, expectedVersion: number, rowsRead: RowsRead): CampaignUpdate {
  const row = toRow(campaign.snapshot(), rowsRead.take(campaign, expectedVersion)?.name);
  const renamed = row.name_folded !== undefined;
  return { renamed, values: [row.id, ...(renamed ? RENAMED : CHANGED).map((c) => row[c]), expectedVersion] };
}

function updateWithEvents({ renamed, values }: CampaignUpdate, outboxColumns: unknown[][]): QueryConfig {
  return named(renamed ? 'renameWithEvents' : 'updateWithEvents', [...values, ...outboxColumns]);
}
