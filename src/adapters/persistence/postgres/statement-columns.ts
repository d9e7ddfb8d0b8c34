import { CAMPAIGN_COLUMNS, type WrittenCampaignColumn } from '../rows/campaign-rows.js';

/** The columns a change of a campaign writes: those it is read with but its id. */
export const CHANGED = CAMPAIGN_COLUMNS.filter((c) => c !== 'id');

/** The columns a change that renames a campaign writes: its folded name too. */
export const RENAMED: readonly WrittenCampaignColumn[] = [...CHANGED, 'name_folded'];

export const OUTBOX_COLUMNS = [
  'event_id',
  'aggregate_type',
  'aggregate_id',
  'event_type',
  'payload',
  'occurred_at',
  'created_at',
  'trace_context',
] as const;

/** The SQL array type of each outbox column, for rows passed as one array per column. */
export const OUTBOX_ARRAY_TYPES: Record<(typeof OUTBOX_COLUMNS)[number], string> = {
  event_id: 'text[]',
  aggregate_type: 'text[]',
  aggregate_id: 'bigint[]',
  event_type: 'text[]',
  payload: 'text[]',
  occurred_at: 'timestamptz[]',
  created_at: 'timestamptz[]',
  trace_context: 'text[]',
};

/** The SQL array type of each campaign column, for campaigns passed as one array per column. */
export const CAMPAIGN_ARRAY_TYPES: Record<WrittenCampaignColumn, string> = {
  id: 'bigint[]',
  name: 'text[]',
  name_folded: 'text[]',
  description: 'text[]',
  status: 'text[]',
  start_at: 'timestamptz[]',
  end_at: 'timestamptz[]',
  zone: 'text[]',
  started_at: 'timestamptz[]',
  paused_at: 'timestamptz[]',
  terminated_at: 'timestamptz[]',
  completed_at: 'timestamptz[]',
  created_at: 'timestamptz[]',
  created_by: 'text[]',
  updated_at: 'timestamptz[]',
  updated_by: 'text[]',
  version: 'int[]',
  content: 'text[]',
};
