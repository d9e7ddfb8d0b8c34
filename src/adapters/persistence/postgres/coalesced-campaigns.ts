import { type Context, context } from '@opentelemetry/api';
import type { Knex } from 'knex';
import { Campaign, type CampaignEvent, type CampaignId } from '../../../domain/index.js';
import { traceBatch } from '../../tracing/group-commit-span.js';
import { activeTraceContext } from '../../tracing/trace-context.js';
import { type CampaignRow, toRow, toSnapshot } from '../rows/campaign-rows.js';
import { outboxRows } from '../rows/outbox-rows.js';
import { type CampaignChange, changeCampaigns, findCampaigns } from './coalesced-statements.js';
import { onPooledConnection, writeOnPooledConnection } from './pooled-connection.js';
import type { PgConnection } from './postgres-transaction.js';
import { type BatchLimits, TurnBatcher } from './turn-batcher.js';

/** Batches of at most 500 calls, two of each kind at once: with Knex's pool of ten, others keep connections. */
export const COALESCING_LIMITS: BatchLimits = { maxBatch: 500, maxInFlight: 2 };

interface Traced<T> {
  call: T;
  /** The caller's trace context: the batch's span links to it. */
  context: Context;
}

/**
 * The reads and version-checked changes of campaigns that units of work make in one turn of the event loop, each
 * kind as one statement on one pooled connection: every unit still gets its own campaign to decide on, and learns
 * whether its own change was written. A statement is atomic, so a batch writes all of its winning changes with
 * their events, or nothing; a read that fails fails every call of its batch, and a change statement that fails is
 * run again change by change (see changeAll).
 */
export class CoalescedCampaigns {
  private readonly finds: TurnBatcher<Traced<string>, CampaignRow | undefined>;
  private readonly changes: TurnBatcher<Traced<CampaignChange>, ChangeOutcome>;

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
  }

  async find(id: CampaignId): Promise<Campaign | undefined> {
    const row = await this.finds.add({ call: id.toString(), context: context.active() });
    return row === undefined ? undefined : Campaign.restore(toSnapshot(row));
  }

  /** Whether the change was written: false when the campaign's version had moved on (nothing written then). */
  saveChange(campaign: Campaign, expectedVersion: number, events: readonly CampaignEvent[]): Promise<boolean> {
    const change: CampaignChange = {
      row: toRow(campaign.snapshot()),
      expectedVersion,
      events: outboxRows(events, new Date(), activeTraceContext()),
    };
    return this.changes.add({ call: change, context: context.active() }).then((outcome) => {
      if (outcome instanceof ChangeRefused) throw outcome.error;
      return outcome;
    });
  }
}

/** A change PostgreSQL refused when it ran alone: its own error, for its own unit. */
class ChangeRefused {
  constructor(readonly error: unknown) {}
}

/** Written, lost the race (false), or refused. */
type ChangeOutcome = boolean | ChangeRefused;

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

async function changeAlone(connection: PgConnection, change: CampaignChange): Promise<ChangeOutcome> {
  try {
    const { rows } = await connection.query<{ position: number }>(changeCampaigns([change]));
    return rows.length > 0;
  } catch (error) {
    return isDeadlock(error) ? false : new ChangeRefused(error);
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
