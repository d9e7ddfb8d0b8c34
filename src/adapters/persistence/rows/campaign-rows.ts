import type { Knex } from 'knex';
import {
  type CampaignContent,
  CampaignId,
  type CampaignSnapshot,
  CampaignStateImpossible,
  EMPTY_CONTENT,
  isCampaignStatus,
} from '../../../domain/index.js';
import { foldCase } from '../knex/case-folding.js';
import { toDate } from './database-values.js';

export interface CampaignRow {
  id: string;
  name: string;
  description: string | null;
  status: string;
  start_at: unknown;
  end_at: unknown;
  started_at: unknown;
  zone: string | null;
  paused_at: unknown;
  terminated_at: unknown;
  completed_at: unknown;
  updated_by: string | null;
  created_at: unknown;
  created_by: string;
  updated_at: unknown;
  version: number | string;
  content: string | null;
}

export const CAMPAIGN_COLUMNS = [
  'id',
  'name',
  'description',
  'status',
  'start_at',
  'end_at',
  'zone',
  'started_at',
  'paused_at',
  'terminated_at',
  'completed_at',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'version',
  'content',
] as const;

/**
 * The columns a campaign's row is written with: those it is read with, and its name folded for the list's search
 * (`case-folding.ts`), which is written with the name and never read back.
 */
export const WRITTEN_CAMPAIGN_COLUMNS = [...CAMPAIGN_COLUMNS, 'name_folded'] as const;

export type WrittenCampaignColumn = (typeof WRITTEN_CAMPAIGN_COLUMNS)[number];

/** Ids are read as text: the sqlite drivers would round an INTEGER above 2^53 to a JS number. */
export function selectCampaignColumns(db: Knex) {
  return CAMPAIGN_COLUMNS.map((column) => (column === 'id' ? db.raw('CAST(id AS TEXT) AS id') : column));
}

export function toSnapshot(row: CampaignRow): CampaignSnapshot {
  if (!isCampaignStatus(row.status)) throw unreadable(row, 'status', 'is not a campaign status');
  return {
    id: CampaignId.parse(String(row.id)),
    name: row.name,
    description: row.description,
    status: row.status,
    startAt: storedInstantOrNull(row, 'start_at', 'startAt'),
    endAt: storedInstantOrNull(row, 'end_at', 'endAt'),
    zone: row.zone,
    startedAt: storedInstantOrNull(row, 'started_at', 'startedAt'),
    pausedAt: storedInstantOrNull(row, 'paused_at', 'pausedAt'),
    terminatedAt: storedInstantOrNull(row, 'terminated_at', 'terminatedAt'),
    completedAt: storedInstantOrNull(row, 'completed_at', 'completedAt'),
    createdAt: storedInstant(row, 'created_at', 'createdAt'),
    createdBy: row.created_by,
    updatedAt: storedInstant(row, 'updated_at', 'updatedAt'),
    updatedBy: row.updated_by ?? row.created_by,
    content: row.content === null ? EMPTY_CONTENT : { ...EMPTY_CONTENT, ...storedContent(row) },
    version: Number(row.version),
  };
}

type TimeColumn =
  | 'start_at'
  | 'end_at'
  | 'started_at'
  | 'paused_at'
  | 'terminated_at'
  | 'completed_at'
  | 'created_at'
  | 'updated_at';

/**
 * A stored time as an instant, or the row is no campaign the service can read: a value that names no instant
 * (text in a SQLite time column, PostgreSQL's `infinity`, a number beyond the range of a date) would be shown as
 * `NaN` in one read form and fail in the other.
 */
function storedInstant(row: CampaignRow, column: TimeColumn, field: string): Date {
  const value = row[column];
  const instant =
    typeof value === 'number' || typeof value === 'bigint' || value instanceof Date ? toDate(value) : undefined;
  if (instant === undefined || Number.isNaN(instant.getTime())) throw unreadable(row, field, 'is not an instant');
  return instant;
}

function storedInstantOrNull(row: CampaignRow, column: TimeColumn, field: string): Date | null {
  return row[column] === null || row[column] === undefined ? null : storedInstant(row, column, field);
}

/** A campaign's content as stored: a JSON object, or the row is no campaign the service can read. */
function storedContent(row: CampaignRow): Partial<CampaignContent> {
  let content: unknown;
  try {
    content = JSON.parse(row.content as string);
  } catch {
    throw unreadable(row, 'content', 'is not JSON');
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content))
    throw unreadable(row, 'content', 'is not a JSON object');
  return content as Partial<CampaignContent>;
}

function unreadable(row: CampaignRow, field: string, message: string): CampaignStateImpossible {
  return new CampaignStateImpossible(String(row.id), [{ field, message }]);
}

/**
 * A campaign's row as written. Ids are written as decimal text; the INTEGER/bigint column stores them as exact 64-bit
 * integers. The name's folded copy is written with a name new to the row: on an insert, or when the name is not
 * `nameRead`, the one the row held when the campaign was read. Otherwise it is left out (undefined), and the write
 * leaves the stored copy as it is.
 */
export function toRow(snapshot: CampaignSnapshot, nameRead?: string) {
  return {
    id: snapshot.id.toString(),
    name: snapshot.name,
    name_folded: snapshot.name === nameRead ? undefined : foldCase(snapshot.name),
    description: snapshot.description,
    status: snapshot.status,
    start_at: snapshot.startAt,
    end_at: snapshot.endAt,
    zone: snapshot.zone,
    started_at: snapshot.startedAt,
    paused_at: snapshot.pausedAt,
    terminated_at: snapshot.terminatedAt,
    completed_at: snapshot.completedAt,
    created_at: snapshot.createdAt,
    created_by: snapshot.createdBy,
    updated_at: snapshot.updatedAt,
    updated_by: snapshot.updatedBy,
    version: snapshot.version,
    content: contentText(snapshot.content),
  };
}

/** NULL for a campaign without content, so a schedule-only campaign costs nothing more to read and write. */
function contentText(content: CampaignContent): string | null {
  if (content === EMPTY_CONTENT || isEmpty(content)) return null;
  return JSON.stringify(content);
}

function isEmpty(content: CampaignContent): boolean {
  return (
    content.campaignType === '' &&
    content.campaignSegments.length === 0 &&
    content.campaignMessages.length === 0 &&
    content.campaignMails.length === 0 &&
    content.campaignSms.length === 0 &&
    content.campaignVoiceSms.length === 0 &&
    content.campaignPasses.length === 0 &&
    content.campaignChannelPriorities.length === 0
  );
}
