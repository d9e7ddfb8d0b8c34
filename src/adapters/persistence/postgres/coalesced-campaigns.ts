import { type Context, context } from '@opentelemetry/api';
import type { Knex } from 'knex';
import { CampaignAlreadyExists } from '../../../application/index.js';
import { Campaign, type CampaignEvent, type CampaignId } from '../../../domain/index.js';
import { traceBatch } from '../../tracing/group-commit-span.js';
import { activeTraceContext } from '../../tracing/trace-context.js';
import { countWritesGathered } from '../knex/write-share.js';
import { type CampaignRow, toRow, toSnapshot } from '../rows/campaign-rows.js';
import { isUniqueViolation } from '../rows/database-values.js';
import { outboxRows } from '../rows/outbox-rows.js';
import { RowsRead } from '../rows/rows-read.js';
import { type CampaignChange, changeCampaigns, findCampaigns, insertCampaigns } from './coalesced-statements.js';
import { onPooledConnection, writeOnPooledConnection } from './pooled-connection.js';
import type { PgConnection } from './postgres-transaction.js';
import { type BatchLimits, TurnBatcher } from './turn-batcher.js';

/** Batches of at most 500 calls, two of each kind at once: with a pool of ten, other units keep connections. */
export const COALESCING_LIMITS: BatchLimits = { maxBatch: 500, maxInFlight: 2 };

interface Traced<T> {
  call: T;
  /** The caller's trace context: the batch's span links to it. */
  context: Context;
}

/**
 * The reads, inserts and version-checked changes of campaigns that units of work make in one turn of the event
 * loop, each kind as one statement on one pooled connection: every unit still gets its own campaign to decide on,
 * and learns whether its own write was made. A statement is atomic, so a batch writes all of its new campaigns, or
 * all of its winning changes with their events, or nothing; a read that fails fails every call of its batch, and a
 * write statement that fails is run again write by write (see insertAll and changeAll).
 */
export class CoalescedCampaigns {
  private readonly finds: TurnBatcher<Traced<string>, CampaignRow | undefined>;
  private readonly changes: TurnBatcher<Traced<CampaignChange>, ChangeOutcome>;
  private readonly inserts: TurnBatcher<Traced<NewRow>, InsertOutcome>;
  private readonly rowsRead = new RowsRead();

  constructor(db: Knex, limits: BatchLimits = COALESCING_LIMITS) {
    this.finds = new TurnBatcher(
      (batch) =>
        traced('coalesced find', batch, () => onPooledConnection(db, (connection) => findAll(connection, batch))),
      limits,
    );
    this.changes = new TurnBatcher(
      (batch) =>
        traced('coalesced change', batch, () =>
          writeOnPooledConnection(db, (connection) => changeAll(connection, batch)),
        ),
      limits,
    );
    this.inserts = new TurnBatcher(
      (batch) =>
        traced('coalesced insert', batch, () =>
          writeOnPooledConnection(db, (connection) => insertAll(connection, batch)),
        ),
      limits,
    );
    countWritesGathered(db, this.changes);
    countWritesGathered(db, this.inserts);
  }

  async find(id: CampaignId): Promise<Campaign | undefined> {
    const row = await this.finds.add({ call: id.toString(), context: context.active() });
    return row === undefined ? undefined : this.rowsRead.remember(Campaign.restore(toSnapshot(row)), row);
  }

  /** Stores a new campaign; `CampaignAlreadyExists` when its id is taken, and then nothing is written. */
  async insert(campaign: Campaign): Promise<void> {
    const outcome = await this.inserts.add({ call: toRow(campaign.snapshot()), context: context.active() });
    if (outcome === true) return;
    throw isUniqueViolation(outcome.error) ? new CampaignAlreadyExists(campaign.id.toString()) : outcome.error;
  }

  /** Whether the change was written: false when the campaign's version had moved on (nothing written then). */
  saveChange(campaign: Campaign, expectedVersion: number, events: readonly CampaignEvent[]): Promise<boolean> {
    const change: CampaignChange = {
      row: toRow(campaign.snapshot(), this.rowsRead.take(campaign, expectedVersion)?.name),
      expectedVersion,
      events: outboxRows(events, new Date(), activeTraceContext()),
    };
    return this.changes.add({ call: change, context: context.active() }).then((outcome) => {
      if (outcome instanceof WriteRefused) throw outcome.error;
      return outcome;
    });
  }
}

/** A change or insert PostgreSQL refused when it ran alone: its own error, for its own unit. */
class WriteRefused {
  constructor(readonly error: unknown) {}
}

/** A campaign's row as written. */
type NewRow = ReturnType<typeof toRow>;

/** Written, lost the race (false), or refused. */
type ChangeOutcome = boolean | WriteRefused;

/** Written, or refused. */
type InsertOutcome = true | WriteRefused;

async function findAll(connection: PgConnection, batch: readonly Traced<string>[]) {
  const ids = [...new Set(batch.map(({ call }) => call))];
  const { rows } = await connection.query<CampaignRow>(findCampaigns(ids));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return batch.map(({ call }) => byId.get(call));
}

/**
 * The changes go in ascending id order, so that two batches on other connections that share campaigns lock them
 * in the same order. Should PostgreSQL still find a deadlock, it undoes the statement that it ends, which then
 * wrote nothing: each of its changes lost a race, and its unit reads again and decides again. A statement that
 * fails otherwise wrote nothing either; its changes then run one by one, so that a change PostgreSQL refuses fails
 * only its own unit.
 */
async function changeAll(connection: PgConnection, batch: readonly Traced<CampaignChange>[]): Promise<ChangeOutcome[]> {
  const order = batch.map((_, i) => i).sort((a, b) => compareIds(batch[a]!.call.row.id, batch[b]!.call.row.id));
  try {
    const { rows } = await connection.query<{ position: number }>(changeCampaigns(order.map((i) => batch[i]!.call)));
    const written = new Set(rows.map((row) => order[row.position - 1]));
    return batch.map((_, i) => written.has(i));
  } catch (error) {
    if (isDeadlock(error)) return batch.map(() => false);
    if (batch.length === 1) throw error;
    const outcomes: ChangeOutcome[] = [];
    for (const { call } of batch) outcomes.push(await changeAlone(connection, call));
    return outcomes;
  }
}

/**
 * The new campaigns go in ascending id order, as changes do, and for the same reason. A statement that fails wrote
 * none of them; they are then inserted one by one, so that an id already taken fails only its own unit.
 */
async function insertAll(connection: PgConnection, batch: readonly Traced<NewRow>[]): Promise<Array<InsertOutcome>> {
  if (batch.length === 1) return [await insertAlone(connection, batch[0]!.call)];
  const rows = batch.map(({ call }) => call).sort((a, b) => compareIds(a.id, b.id));
  try {
    await connection.query(insertCampaigns(rows));
    return batch.map(() => true);
  } catch {
    const outcomes: Array<InsertOutcome> = [];
    for (const { call } of batch) outcomes.push(await insertAlone(connection, call));
    return outcomes;
  }
}

/** A deadlock wrote nothing and refused nothing: the insert is tried again, a few times at most. */
async function insertAlone(connection: PgConnection, row: NewRow): Promise<InsertOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await connection.query(insertCampaigns([row]));
      return true;
    } catch (error) {
      if (!isDeadlock(error) || attempt >= MAX_DEADLOCKED_INSERTS) return new WriteRefused(error);
    }
  }
}

const MAX_DEADLOCKED_INSERTS = 3;

async function changeAlone(connection: PgConnection, change: CampaignChange): Promise<ChangeOutcome> {
  try {
    const { rows } = await connection.query<{ position: number }>(changeCampaigns([change]));
    return rows.length > 0;
  } catch (error) {
    return isDeadlock(error) ? false : new WriteRefused(error);
  }
}

function isDeadlock(error: unknown): boolean {
  return (error as { code?: string }).code === DEADLOCK_DETECTED;
}

const DEADLOCK_DETECTED = '40P01';

/** Canonical decimal ids: the shorter is the smaller, and equal lengths compare as text. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function traced<T>(name: string, batch: readonly Traced<unknown>[], run: () => Promise<T>): Promise<T> {
  return traceBatch(
    batch.map((traced) => traced.context),
    run,
    { name, system: 'postgresql' },
  );
}
