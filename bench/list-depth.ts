import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { KnexCampaignReader } from '../src/adapters/persistence/knex/knex-campaign-reader.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { selectCampaignColumns } from '../src/adapters/persistence/rows/campaign-rows.js';
import { type DatabaseKind, openTestDatabase, POSTGRES, SQLITE } from '../test/support/databases.js';
import { loadAverage } from './support/machine-load.js';
import { MIXED_QUESTIONS, seedMixedPostgres, seedMixedSqlite } from './support/mixed-store.js';
import { machineLine, median, percentile, printSummary, writeSection } from './support/performance-report.js';
import { seedSqlite } from './support/sqlite-seed.js';

const CAMPAIGNS = Number(process.env.BENCH_LIST_CAMPAIGNS ?? 1_000_000);
const CALLS = Number(process.env.BENCH_LIST_CALLS ?? 30);
const PAGE_SIZE = 10;

/** The list as it was: count(*) over the table and OFFSET from its first row, the baseline of this run. */
async function countAndSkip(db: Knex, offset: number): Promise<number> {
  const [counted, rows] = await Promise.all([
    db('campaigns').count({ total: '*' }).first(),
    db('campaigns').select(selectCampaignColumns(db)).orderBy('campaigns.id').offset(offset).limit(PAGE_SIZE),
  ]);
  return Number(counted?.total) + rows.length;
}

/** How the store's ids lie: ids 1..N as a bulk load writes them, or one campaign a second as a service creates them. */
interface Store {
  name: string;
  /** The n-th campaign's id; n from 1. */
  idOf(n: number): bigint;
  /** The same ids in PostgreSQL, for `n` from generate_series. */
  sqlIdOf: string;
}

/** The time-ordered ids the service draws (milliseconds << 22), one a second from this epoch. */
const SPREAD_FROM_MS = 1_700_000_000_000n;

const STORES: readonly Store[] = [
  { name: 'ids 1..N', idOf: (n) => BigInt(n), sqlIdOf: 'n' },
  {
    name: 'one a second',
    idOf: (n) => (SPREAD_FROM_MS + BigInt(n) * 1000n) << 22n,
    sqlIdOf: `(${SPREAD_FROM_MS} + n * 1000::bigint) << 22`,
  },
];

interface Row {
  database: string;
  store: string;
  depth: string;
  before: number[];
  after: number[];
}

/**
 * One list call at the first page, the middle and the last page of a store of a million campaigns, the service's
 * list against the count-and-skip list it replaced, called in turn in one process on the same database.
 */
async function main(): Promise<void> {
  const rows: Row[] = [];
  const questions: QuestionRow[] = [];
  for (const kind of [SQLITE, POSTGRES]) {
    for (const store of STORES) rows.push(...(await measure(kind, store)));
    questions.push(...(await measureQuestions(kind)));
  }
  const ms = (values: number[]) => `${median(values).toFixed(2)} / ${percentile(values, 0.99).toFixed(2)}`;
  const table = rows.map((r) => `| ${r.database} | ${r.store} | ${r.depth} | ${ms(r.before)} | ${ms(r.after)} |`);
  const measuredOn = (database: string) => rows.filter((r) => r.database === database);
  /** The first page of a store filled by a bulk load: the cheapest list there is, the baseline of every other. */
  const firstPage = (database: string) => median(measuredOn(database)[0]!.after);
  /** The slowest page of either store, at any depth. */
  const slowestPage = (database: string) => Math.max(...measuredOn(database).map((r) => median(r.after)));
  const worst = (database: string) => slowestPage(database) / firstPage(database);
  writeSection(
    'Listing: total and deep pages',
    `\`npm run bench:list\` (bench/list-depth.ts): ${CAMPAIGNS.toLocaleString('en-US')} scheduled campaigns in each database, pages of ${PAGE_SIZE},
in two stores: ids 1 to ${CAMPAIGNS.toLocaleString('en-US')}, as a bulk load of chosen ids writes them, and one campaign a second
(the service's time-ordered ids, ${CAMPAIGNS.toLocaleString('en-US')} seconds apart in all), as a service creating one a second holds them;
${CALLS} calls of each kind at each depth, the two kinds in turn, in one process (Knex, no HTTP). "Before" is the list as it
was (\`count(*)\` over the table and \`OFFSET\` from its first row); "after" is the service's list (the total and the
page's first id range from the counted ranges, \`campaign_buckets\` and \`campaign_bucket_groups\`). Smaller: BENCH_LIST_CAMPAIGNS, BENCH_LIST_CALLS.

| database | store | page | before: median / p99 ms | after: median / p99 ms |
|---|---|---|---|---|
${table.join('\n')}

Slowest page of either store / first page of the bulk-loaded one (median, after): SQLite ${worst('SQLite').toFixed(2)}×, PostgreSQL ${worst('PostgreSQL').toFixed(2)}×.

The list's other questions, on a third store of ${CAMPAIGNS.toLocaleString('en-US')} campaigns in each database: ids 1 to ${CAMPAIGNS.toLocaleString('en-US')}, each status one in
seven (scheduled three in seven), start dates spread over a year (every other draft without one), made one a second
(bench/support/mixed-store.ts); the first and the last page of each, ${CALLS} calls each, the questions and the two pages in turn.
A call on SQLite holds the event loop for as long as it takes.

| database | list | matches | first page: median / p99 ms | last page: median / p99 ms |
|---|---|---|---|---|
${questions.map((q) => `| ${q.database} | \`${q.question}\` | ${q.total.toLocaleString('en-US')} | ${ms(q.first)} | ${ms(q.last)} |`).join('\n')}

${machineLine()} ${loadAverage()}`,
  );
  for (const database of ['SQLite', 'PostgreSQL']) {
    const ratio = worst(database);
    printSummary({
      benchmark: `list (${database})`,
      project: `slowest page ${slowestPage(database).toFixed(2)} ms`,
      baseline: `first page ${firstPage(database).toFixed(2)} ms`,
      ratio: `${ratio.toFixed(2)}×`,
      target: 'any page close to the first (≤ 2×)',
      verdict: ratio <= 2 ? 'met' : 'missed',
    });
  }
}

async function measure(kind: DatabaseKind, store: Store): Promise<Row[]> {
  const database = await kind.create();
  const db = openTestDatabase(database);
  try {
    await migrateToLatest(db);
    process.stdout.write(`seeding ${CAMPAIGNS} campaigns (${store.name}) on ${kind.name}\n`);
    await seed(kind, db, database.env.DATABASE_URL!, store);
    const reader = new KnexCampaignReader(db);
    const depths: Array<[string, number]> = [
      ['first (start=0)', 0],
      [`middle (start=${CAMPAIGNS / 2})`, CAMPAIGNS / 2],
      [`last (start=${CAMPAIGNS - PAGE_SIZE})`, CAMPAIGNS - PAGE_SIZE],
    ];
    const rows: Row[] = depths.map(([depth]) => ({
      database: kind.name,
      store: store.name,
      depth,
      before: [],
      after: [],
    }));
    for (const [, offset] of depths) {
      await countAndSkip(db, offset);
      await reader.list({ offset, limit: PAGE_SIZE, order: 'id' });
    }
    // The depths and the two lists take turns, so the machine's noise falls on all of them alike.
    for (let call = 0; call < CALLS; call++) {
      for (const [i, [, offset]] of depths.entries()) {
        let t = performance.now();
        await countAndSkip(db, offset);
        rows[i]!.before.push(performance.now() - t);
        t = performance.now();
        const page = await reader.list({ offset, limit: PAGE_SIZE, order: 'id' });
        rows[i]!.after.push(performance.now() - t);
        if (page.total !== CAMPAIGNS || page.campaigns.length !== PAGE_SIZE)
          throw new Error(`wrong page at ${offset}: ${page.total}`);
      }
    }
    for (const row of rows) {
      process.stdout.write(
        `${kind.name} ${store.name} ${row.depth}: before ${median(row.before).toFixed(2)} ms, after ${median(row.after).toFixed(2)} ms\n`,
      );
    }
    return rows;
  } finally {
    await db.destroy();
    await database.drop();
  }
}

interface QuestionRow {
  database: string;
  question: string;
  total: number;
  first: number[];
  last: number[];
}

/** The first and last page of each of the list's other questions (`MIXED_QUESTIONS`) on a store in every status. */
async function measureQuestions(kind: DatabaseKind): Promise<QuestionRow[]> {
  const database = await kind.create();
  const db = openTestDatabase(database);
  try {
    await migrateToLatest(db);
    process.stdout.write(`seeding ${CAMPAIGNS} campaigns in every status on ${kind.name}\n`);
    const url = database.env.DATABASE_URL!;
    if (kind === SQLITE) seedMixedSqlite(url.slice('sqlite:'.length), CAMPAIGNS);
    else await seedMixedPostgres(db, CAMPAIGNS);
    const reader = new KnexCampaignReader(db);
    const rows: QuestionRow[] = [];
    for (const { name, query } of MIXED_QUESTIONS) {
      const { total } = await reader.list({ ...query, offset: 0, limit: PAGE_SIZE });
      rows.push({ database: kind.name, question: name, total, first: [], last: [] });
    }
    const pageAt = async (row: QuestionRow, query: (typeof MIXED_QUESTIONS)[number]['query'], offset: number) => {
      const t = performance.now();
      const page = await reader.list({ ...query, offset, limit: PAGE_SIZE });
      const ms = performance.now() - t;
      if (page.total !== row.total || page.campaigns.length !== Math.min(PAGE_SIZE, row.total - offset))
        throw new Error(`wrong page of ${row.question} at ${offset}: ${page.total}`);
      return ms;
    };
    for (let call = 0; call < CALLS; call++) {
      for (const [i, { query }] of MIXED_QUESTIONS.entries()) {
        const row = rows[i]!;
        row.first.push(await pageAt(row, query, 0));
        row.last.push(await pageAt(row, query, Math.max(0, row.total - PAGE_SIZE)));
      }
    }
    for (const row of rows) {
      process.stdout.write(
        `${kind.name} ${row.question}: first ${median(row.first).toFixed(2)} ms, last ${median(row.last).toFixed(2)} ms\n`,
      );
    }
    return rows;
  } finally {
    await db.destroy();
    await database.drop();
  }
}

async function seed(kind: DatabaseKind, db: Knex, url: string, store: Store): Promise<void> {
  if (kind === SQLITE) {
    const filename = url.slice('sqlite:'.length);
    seedSqlite(filename, { campaigns: CAMPAIGNS, idOf: store.idOf, publishedEvents: 0, publishedOverMs: 0 });
    return;
  }
  // One statement: its trigger counts each range once (migration 010).
  await db.raw(`INSERT INTO campaigns (id, name, name_folded, status, start_at, end_at, created_at, created_by, updated_at, updated_by, version)
    SELECT ${store.sqlIdOf}, 'Bench ' || n, 'bench ' || n, 'scheduled', now() + interval '1 day', now() + interval '30 days', now(), 'bench', now(), 'bench', 1
    FROM generate_series(1, ${CAMPAIGNS}) AS n`);
  await db.raw('VACUUM ANALYZE campaigns');
  await db.raw('VACUUM ANALYZE campaign_buckets');
  await db.raw('VACUUM ANALYZE campaign_bucket_groups');
}

await main();
