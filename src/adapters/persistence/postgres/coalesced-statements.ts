import {
  CAMPAIGN_COLUMNS,
  type toRow,
  WRITTEN_CAMPAIGN_COLUMNS,
  type WrittenCampaignColumn,
} from '../rows/campaign-rows.js';
import type { outboxRows } from '../rows/outbox-rows.js';
import type { QueryConfig } from './postgres-transaction.js';
import { CAMPAIGN_ARRAY_TYPES, CHANGED, OUTBOX_ARRAY_TYPES, OUTBOX_COLUMNS, RENAMED } from './statement-columns.js';

/** One unit's version-checked change of a campaign, with the outbox rows of its events in the order raised. */
export interface CampaignChange {
  row: ReturnType<typeof toRow>;
  expectedVersion: number;
  events: ReturnType<typeof outboxRows>;
}

const FIND_CAMPAIGNS = `SELECT ${CAMPAIGN_COLUMNS.map((c) => (c === 'id' ? 'CAST(id AS TEXT) AS id' : c)).join(', ')} FROM campaigns WHERE id = ANY($1::bigint[])`;

const EVENT_INPUT = ['change', ...OUTBOX_COLUMNS] as const;
const EVENT_TYPES = ['bigint[]', ...OUTBOX_COLUMNS.map((c) => OUTBOX_ARRAY_TYPES[c])];
const parameters = (types: readonly string[], first: number) => types.map((t, i) => `$${first + i}::${t}`).join(', ');

/**
 * One statement for the changes of a batch: each change is a row of `changes`, numbered by `position`, and the
 * version-checked UPDATE writes the campaigns whose version is still the one their change was made from. Only the
 * events of a change whose row was written are inserted, all in the order of `ordinal` (the batch's changes in
 * turn, each one's events in the order raised), so the outbox sequence keeps them in that order. It answers the
 * positions of the changes written. Two changes of the same campaign in one batch write it once: the row is
 * updated by one of them, the second finds it already changed by this statement and is skipped, so exactly one
 * position is answered for that campaign and only that change's events are inserted.
 */
function changesSetting(changed: readonly WrittenCampaignColumn[]): string {
  const input = ['id', ...changed, 'expected_version'];
  const inputTypes = [...['id' as const, ...changed].map((c) => CAMPAIGN_ARRAY_TYPES[c]), 'int[]'];
  return (
    `WITH changes AS (SELECT * FROM unnest(${parameters(inputTypes, 1)}) WITH ORDINALITY ` +
    `AS i(${input.join(', ')}, position)), ` +
    `changed AS (UPDATE campaigns c SET ${changed.map(assignment).join(', ')} ` +
    'FROM changes WHERE c.id = changes.id AND c.version = changes.expected_version RETURNING changes.position), ' +
    `appended AS (INSERT INTO outbox (${OUTBOX_COLUMNS.join(', ')}) ` +
    `SELECT ${OUTBOX_COLUMNS.map((c) => `e.${c}`).join(', ')} ` +
    `FROM unnest(${parameters(EVENT_TYPES, inputTypes.length + 1)}) WITH ORDINALITY AS e(${EVENT_INPUT.join(', ')}, ordinal) ` +
    'JOIN changed ON changed.position = e.change ORDER BY e.ordinal) ' +
    'SELECT position::int AS position FROM changed'
  );
}

/** A change without a new name has no folded name (`toRow`): it leaves the stored one. */
function assignment(column: WrittenCampaignColumn): string {
  return column === 'name_folded'
    ? 'name_folded = COALESCE(changes.name_folded, c.name_folded)'
    : `${column} = changes.${column}`;
}

const CHANGE_CAMPAIGNS = changesSetting(CHANGED);
/** The same for a batch in which some change renames its campaign. */
const RENAME_CAMPAIGNS = changesSetting(RENAMED);

const INSERT_CAMPAIGNS =
  `INSERT INTO campaigns (${WRITTEN_CAMPAIGN_COLUMNS.join(', ')}) ` +
  `SELECT * FROM unnest(${parameters(
    WRITTEN_CAMPAIGN_COLUMNS.map((c) => CAMPAIGN_ARRAY_TYPES[c]),
    1,
  )})`;

/** The campaigns stored under some ids (decimal text), each id asked once. */
export function findCampaigns(ids: readonly string[]): QueryConfig {
  return { name: 'campaigns_findCampaigns', text: FIND_CAMPAIGNS, values: [ids] };
}

/** One statement inserting new campaigns, all of them or, should one fail, none. */
export function insertCampaigns(rows: readonly ReturnType<typeof toRow>[]): QueryConfig {
  return {
    name: 'campaigns_insertCampaigns',
    text: INSERT_CAMPAIGNS,
    values: WRITTEN_CAMPAIGN_COLUMNS.map((column) => rows.map((row) => row[column])),
  };
}

/** The statement writing `changes`; a change's position is its index here plus one. */
export function changeCampaigns(changes: readonly CampaignChange[]): QueryConfig {
  const renaming = changes.some((change) => change.row.name_folded !== undefined);
  const columns = ['id' as const, ...(renaming ? RENAMED : CHANGED)];
  const campaignArrays = columns.map((column) => changes.map((change) => change.row[column]));
  const expectedVersions = changes.map((change) => change.expectedVersion);
  const events = changes.flatMap((change, i) => change.events.map((event) => ({ ...event, change: i + 1 })));
  const eventArrays = EVENT_INPUT.map((column) => events.map((event) => event[column]));
  return {
    name: renaming ? 'campaigns_renameCampaigns' : 'campaigns_changeCampaigns',
    text: renaming ? RENAME_CAMPAIGNS : CHANGE_CAMPAIGNS,
    values: [...campaignArrays, expectedVersions, ...eventArrays],
  };
}
