import knex, { type Knex } from 'knex';
import { CountingGate } from './counting-gate.js';

/**
 * Connections of a pool that writes never take: a write holds its connection until its commit, so when commits
 * stall (a slow disk, a lock an operator holds), writes would otherwise fill the pool, and a campaign's read, a
 * list, the readiness probe and `/metrics` would wait behind them as if the database were down.
 */
export const CONNECTIONS_KEPT_FOR_READS = 2;

const gates = new WeakMap<Knex, CountingGate | undefined>();

/**
 * Runs `write` once fewer writes than the pool's size less CONNECTIONS_KEPT_FOR_READS are running on `db`; every
 * statement that writes goes through here, and none that only reads. A write waits for its place at most as long
 * as Knex waits for a connection, and then fails as Knex does. A pool too small to keep any (SQLite's one
 * connection) lets every write through at once.
 */
export function whileWriting<T>(db: Knex, write: () => Promise<T>): Promise<T> {
  const gate = gateOf(db);
  return gate === undefined ? write() : gate.through(write);
}

/** What gathers writes on a database before they reach its gate: calls waiting for a statement that writes a batch. */
export interface WriteGatherer {
  readonly queued: number;
}

/** Held weakly: a gatherer that is gone no longer counts. */
const gatherers = new WeakMap<Knex, Set<WeakRef<WriteGatherer>>>();

/** Counts the writes `gatherer` holds among those waiting on `db`, for as long as it lives. */
export function countWritesGathered(db: Knex, gatherer: WriteGatherer): void {
  if (!gatherers.has(db)) gatherers.set(db, new Set());
  gatherers.get(db)!.add(new WeakRef(gatherer));
}

/** Read at each scrape; the gatherers that are gone are forgotten then. */
function writesGathered(db: Knex): number {
  const living = [...(gatherers.get(db) ?? [])].filter((ref) => ref.deref() !== undefined);
  gatherers.set(db, new Set(living));
  return living.reduce((sum, ref) => sum + (ref.deref()?.queued ?? 0), 0);
}

/**
 * The writes running on `db` (each holding a connection: a unit of work, or a statement writing a batch) and those
 * waiting (for a place, or for a batch to take them); both 0 where writes are not counted.
 */
export function writesOn(db: Knex): { running: number; waiting: number } {
  const gate = gateOf(db);
  if (gate === undefined) return { running: 0, waiting: 0 };
  return { running: gate.running, waiting: gate.queued + writesGathered(db) };
}

function gateOf(db: Knex): CountingGate | undefined {
  if (!gates.has(db)) gates.set(db, writeGate(db));
  return gates.get(db);
}

function writeGate(db: Knex): CountingGate | undefined {
  const config = (db.client as { config?: Knex.Config } | undefined)?.config;
  const poolSize = config?.pool?.max;
  if (poolSize === undefined || poolSize <= CONNECTIONS_KEPT_FOR_READS) return undefined;
  const timeoutMs = config?.acquireConnectionTimeout ?? 60_000;
  return new CountingGate(
    poolSize - CONNECTIONS_KEPT_FOR_READS,
    timeoutMs,
    () =>
      new knex.KnexTimeoutError(
        `no connection for a write within ${timeoutMs} ms: the ${poolSize - CONNECTIONS_KEPT_FOR_READS} that writes may hold are all waiting for their commits`,
      ),
  );
}
