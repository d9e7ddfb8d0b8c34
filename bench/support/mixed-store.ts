import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { foldCase } from '../../src/adapters/persistence/knex/case-folding.js';
import type { CampaignQuery } from '../../src/application/index.js';

/**
 * A store whose campaigns are in every status a running service holds, as the list's filters and orders meet them:
 * the n-th campaign's status is the n-th of this cycle (scheduled three in seven), its start date anywhere in a
 * year to the minute (every other draft without one), made one a second before the store's last.
 */
const STATUS_CYCLE = ['draft', 'scheduled', 'scheduled', 'scheduled', 'running', 'paused', 'completed'] as const;
const YEAR_FROM_MS = Date.UTC(2026, 0, 1);
const MINUTES_IN_A_YEAR = 525_600;
const MINUTE_MS = 60_000;

/** The list's questions beyond the original's: a status or several, in each order, and every campaign in the others. */
export const MIXED_QUESTIONS: ReadonlyArray<{ name: string; query: Omit<CampaignQuery, 'offset' | 'limit'> }> = [
  { name: 'status=draft', query: { statuses: ['draft'], order: 'id' } },
  { name: 'status=scheduled', query: { statuses: ['scheduled'], order: 'id' } },
  { name: 'status=running,paused', query: { statuses: ['running', 'paused'], order: 'id' } },
  { name: 'status=draft&sort=newest', query: { statuses: ['draft'], order: 'newest' } },
  { name: 'status=scheduled&sort=newest', query: { statuses: ['scheduled'], order: 'newest' } },
  { name: 'status=draft&sort=nextStart', query: { statuses: ['draft'], order: 'nextStart' } },
  { name: 'status=scheduled&sort=nextStart', query: { statuses: ['scheduled'], order: 'nextStart' } },
  { name: 'status=running,paused&sort=nextStart', query: { statuses: ['running', 'paused'], order: 'nextStart' } },
  { name: 'sort=newest', query: { order: 'newest' } },
  { name: 'sort=nextStart', query: { order: 'nextStart' } },
];

/** The n-th campaign's start date in milliseconds, or null; a generator of its own so every run draws the same. */
function startDates(campaigns: number): Array<number | null> {
  let state = 12_345;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return Array.from({ length: campaigns }, (_, i) => {
    const n = i + 1;
    const withoutStart = STATUS_CYCLE[n % STATUS_CYCLE.length] === 'draft' && n % 2 === 0;
    return withoutStart ? null : YEAR_FROM_MS + Math.floor(next() * MINUTES_IN_A_YEAR) * MINUTE_MS;
  });
}

/**
 * Such campaigns as Knex rows, ids `first` to `first + count - 1`, the last made a second before `lastCreatedMs`:
 * the n-th of them (from 1) has the n-th status of the cycle and the n-th start date. One at a time, since a store
 * may hold a million.
 */
export function* mixedCampaignRows(first: number, count: number, lastCreatedMs: number) {
  const starts = startDates(count);
  for (let n = 1; n <= count; n++) {
    const start = starts[n - 1]!;
    const name = `Bench ${first + n - 1}`;
    const created = new Date(lastCreatedMs - (count - n + 1) * 1000);
    yield {
      id: String(first + n - 1),
      name,
      name_folded: foldCase(name),
      description: null,
      status: STATUS_CYCLE[n % STATUS_CYCLE.length]!,
      start_at: start === null ? null : new Date(start),
      end_at: start === null ? null : new Date(start + 30 * 86_400_000),
      created_at: created,
      created_by: 'bench',
      updated_at: created,
      updated_by: 'bench',
      version: 1,
    };
  }
}

/** Fills a migrated SQLite file with `campaigns` such campaigns, ids 1 to `campaigns`, straight through better-sqlite3. */
export function seedMixedSqlite(filename: string, campaigns: number): void {
  const db = new Database(filename);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const insert = db.prepare(
      `INSERT INTO campaigns (id, name, name_folded, status, start_at, end_at, created_at, created_by, updated_at, updated_by, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'bench', ?, 'bench', 1)`,
    );
    const millis = (date: Date | null) => date?.getTime() ?? null;
    db.transaction(() => {
      // The last one made a second before the year the start dates fall in.
      for (const row of mixedCampaignRows(1, campaigns, YEAR_FROM_MS + 1000)) {
        insert.run(
          Number(row.id),
          row.name,
          row.name_folded,
          row.status,
          millis(row.start_at),
          millis(row.end_at),
          millis(row.created_at),
          millis(row.updated_at),
        );
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** The same store in PostgreSQL, in one statement (its trigger counts each range once), then analyzed. */
export async function seedMixedPostgres(db: Knex, campaigns: number): Promise<void> {
  const starts = startDates(campaigns);
  await db.raw(
    `INSERT INTO campaigns (id, name, name_folded, status, start_at, end_at, created_at, created_by, updated_at, updated_by, version)
     SELECT n, 'Bench ' || n, 'bench ' || n, (?::text[])[n % ${STATUS_CYCLE.length} + 1], to_timestamp(s / 1000.0), to_timestamp(s / 1000.0) + interval '30 days',
       to_timestamp(? / 1000.0) - (? - n) * interval '1 second', 'bench', now(), 'bench', 1
     FROM unnest(?::bigint[]) WITH ORDINALITY AS starts(s, n)`,
    [STATUS_CYCLE as unknown as string[], YEAR_FROM_MS, campaigns, starts as unknown as Knex.Value],
  );
  await db.raw('VACUUM ANALYZE campaigns');
  await db.raw('VACUUM ANALYZE campaign_buckets');
  await db.raw('VACUUM ANALYZE campaign_bucket_groups');
}
