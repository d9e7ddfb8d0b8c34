import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { KnexCampaignReader } from '../src/adapters/persistence/knex/knex-campaign-reader.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { selectCampaignColumns } from '../src/adapters/persistence/rows/campaign-rows.js';
import { type DatabaseKind, openTestDatabase, POSTGRES, SQLITE } from '../test/support/databases.js';
import { loadAverage } from './support/machine-load.js';
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

interface Row {
  database: string;
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
  for (const kind of [SQLITE, POSTGRES]) rows.push(...(await measure(kind)));
  const ms = (values: number[]) => `${median(values).toFixed(2)} / ${percentile(values, 0.99).toFixed(2)}`;
  const table = rows.map((r) => `| ${r.database} | ${r.depth} | ${ms(r.before)} | ${ms(r.after)} |`);
  const worst = (database: string) => {
    const first = rows.find((r) => r.database === database && r.depth.startsWith('first'))!;
    const last = rows.filter((r) => r.database === database).at(-1)!;
    return median(last.after) / median(first.after);
  };
  writeSection(
    'Listing: total and deep pages',
    `\`npm run bench:list\` (bench/list-depth.ts): ${CAMPAIGNS.toLocaleString('en-US')} scheduled campaigns in each database, pages of ${PAGE_SIZE};
${CALLS} calls of each kind at each depth, the two kinds in turn, in one process (Knex, no HTTP). "Before" is the list as it
was (\`count(*)\` over the table and \`OFFSET\` from its first row); "after" is the service's list (the total and the
page's first id range from \`campaign_buckets\`). Smaller: BENCH_LIST_CAMPAIGNS, BENCH_LIST_CALLS.

| database | page | before: median / p99 ms | after: median / p99 ms |
|---|---|---|---|
${table.join('\n')}

Last page / first page (median, after): SQLite ${worst('SQLite').toFixed(2)}×, PostgreSQL ${worst('PostgreSQL').toFixed(2)}×.

${machineLine()} ${loadAverage()}`,
  );
  for (const database of ['SQLite', 'PostgreSQL']) {
    const ratio = worst(database);
    printSummary({
      benchmark: `list (${database})`,
      project: `last page ${median(rows.filter((r) => r.database === database).at(-1)!.after).toFixed(2)} ms`,
      baseline: `first page ${median(rows.find((r) => r.database === database)!.after).toFixed(2)} ms`,
      ratio: `${ratio.toFixed(2)}×`,
      target: 'deep page close to the first (≤ 2×)',
      verdict: ratio <= 2 ? 'met' : 'missed',
    });
  }
}

async function measure(kind: DatabaseKind): Promise<Row[]> {
  const database = await kind.create();
  const db = openTestDatabase(database);
  try {
    await migrateToLatest(db);
    process.stdout.write(`seeding ${CAMPAIGNS} campaigns on ${kind.name}\n`);
    await seed(kind, db, database.env.DATABASE_URL!);
    const reader = new KnexCampaignReader(db);
    const depths: Array<[string, number]> = [
      ['first (start=0)', 0],
      [`middle (start=${CAMPAIGNS / 2})`, CAMPAIGNS / 2],
      [`last (start=${CAMPAIGNS - PAGE_SIZE})`, CAMPAIGNS - PAGE_SIZE],
    ];
    const rows: Row[] = depths.map(([depth]) => ({ database: kind.name, depth, before: [], after: [] }));
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
        `${kind.name} ${row.depth}: before ${median(row.before).toFixed(2)} ms, after ${median(row.after).toFixed(2)} ms\n`,
      );
    }
    return rows;
  } finally {
    await db.destroy();
    await database.drop();
  }
}

async function seed(kind: DatabaseKind, db: Knex, url: string): Promise<void> {
  if (kind === SQLITE) {
    seedSqlite(url.slice('sqlite:'.length), { campaigns: CAMPAIGNS, publishedEvents: 0, publishedOverMs: 0 });
    return;
  }
  // One statement: its trigger counts each range once (migration 010).
  await db.raw(`INSERT INTO campaigns (id, name, status, start_at, end_at, created_at, created_by, updated_at, updated_by, version)
    SELECT n, 'Bench ' || n, 'scheduled', now() + interval '1 day', now() + interval '30 days', now(), 'bench', now(), 'bench', 1
    FROM generate_series(1, ${CAMPAIGNS}) AS n`);
  await db.raw('VACUUM ANALYZE campaigns');
  await db.raw('VACUUM ANALYZE campaign_buckets');
}

await main();
