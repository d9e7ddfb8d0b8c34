import type { Knex } from 'knex';
import { CampaignId, isCampaignStatus, type CampaignSnapshot } from '../../domain/index.js';
import { toDate, toDateOrNull } from './database.js';

export interface CampaignRow {
  id: string;
  name: string;
  description: string | null;
  status: string;
  start_at: unknown;
  end_at: unknown;
  started_at: unknown;
  created_at: unknown;
  created_by: string;
  updated_at: unknown;
  version: number | string;
}

/** Ids are read as text: the sqlite3 driver would round an INTEGER above 2^53 to a JS number. */
export function selectCampaignColumns(db: Knex) {
  return [
    db.raw('CAST(id AS TEXT) AS id'),
    'name',
    'description',
    'status',
    'start_at',
    'end_at',
    'started_at',
    'created_at',
    'created_by',
    'updated_at',
    'version',
  ];
}

export function toSnapshot(row: CampaignRow): CampaignSnapshot {
  if (!isCampaignStatus(row.status)) throw new Error(`campaign ${row.id} has unknown status ${row.status}`);
  return {
    id: CampaignId.parse(String(row.id)),
    name: row.name,
    description: row.description,
    status: row.status,
    startAt: toDateOrNull(row.start_at),
    endAt: toDateOrNull(row.end_at),
    startedAt: toDateOrNull(row.started_at),
    createdAt: toDate(row.created_at),
    createdBy: row.created_by,
    updatedAt: toDate(row.updated_at),
    version: Number(row.version),
  };
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
    started_at: snapshot.startedAt,
    created_at: snapshot.createdAt,
    created_by: snapshot.createdBy,
    updated_at: snapshot.updatedAt,
    version: snapshot.version,
  };
}
