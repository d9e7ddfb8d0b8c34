import type { Knex } from 'knex';
import {
  type CampaignContent,
  CampaignId,
  type CampaignSnapshot,
  CampaignStateImpossible,
  EMPTY_CONTENT,
  isCampaignStatus,
} from '../../../domain/index.js';
import { toDate, toDateOrNull } from './database-values.js';

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
    startAt: toDateOrNull(row.start_at),
    endAt: toDateOrNull(row.end_at),
    zone: row.zone,
    startedAt: toDateOrNull(row.started_at),
    pausedAt: toDateOrNull(row.paused_at),
    terminatedAt: toDateOrNull(row.terminated_at),
    completedAt: toDateOrNull(row.completed_at),
    createdAt: toDate(row.created_at),
    createdBy: row.created_by,
    updatedAt: toDate(row.updated_at),
    updatedBy: row.updated_by ?? row.created_by,
    content: row.content === null ? EMPTY_CONTENT : { ...EMPTY_CONTENT, ...storedContent(row) },
    version: Number(row.version),
  };
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

/** Ids are written as decimal text; the INTEGER/bigint column stores them as exact 64-bit integers. */
export function toRow(snapshot: CampaignSnapshot) {
  return {
    id: snapshot.id.toString(),
    name: snapshot.name,
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
