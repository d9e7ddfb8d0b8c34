import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { mintToken } from '../src/adapters/auth/token-minter.js';
import { openDatabase } from '../src/adapters/persistence/knex/open-database.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { ServiceProcess } from '../test/support/service-process.js';
import { cpuProfileArgs } from './support/cpu-profile.js';
import {
  machineLine,
  median,
  percentile,
  printSummary,
  REPORT_NAME,
  writeSection,
} from './support/performance-report.js';
import { asInProduction } from './support/production.js';
import { outboxCounts, seedSqlite } from './support/sqlite-seed.js';
import { StartClient } from './support/start-client.js';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256-000000';
const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '1000,100000,1000000').split(',').map(Number);
const ROUND_STARTS = Number(process.env.BENCH_GROWTH_ROUND_STARTS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_GROWTH_ROUNDS ?? 15);
const CONNECTIONS = 50;
const DAY_MS = 86_400_000;
/** The service's default OUTBOX_RETENTION_HOURS (7 days); the seeded history spans twice that. */
const RETENTION_DAYS = 7;
const FLAT = 0.2;
/** BENCH_CPU_PROF_DIR: each service process writes a CPU profile there when it stops (node --cpu-prof). */
const SERVICE_NODE_ARGS = cpuProfileArgs();

type Pattern = 'recent' | 'spread';

interface Size {
  campaigns: number;
  fileMb: number;
  outboxBefore: number;
  outboxAfterPrune: number;
  outboxAfterRun: { published: number; unpublished: number };
  prune: PruneLine;
  duringPrune: Round[];
  rounds: Record<Pattern, Round[]>;
}

interface Round {
  requestsPerSecond: number;
  latenciesMs: number[];
  non2xx: number;
}

interface PruneLine {
  deleted: number;
  statements: number;
  longestStatementMs: number;
  durationMs: number;
}

/**
 * The start path with 10^3, 10^5 and 10^6 stored campaigns and a published outbox history twice as large, half of
 * it past the retention. The service (as operators run it: SQLite, scheduler on) prunes that half at startup in
 * bounded batches; the starts are measured once it is done. The smallest population is the baseline.
 *
 * Two workloads, round and round about on the same service: "recent" starts the ROUND_STARTS newest campaigns (the
 * highest ids, as time-ordered ids make the newly created ones) in random order, the same amount of work over a
 * store that grows; "spread" starts ROUND_STARTS campaigns drawn at random from the whole population, so the
 * rows it touches spread out as the store grows.
 */
async function main(): Promise<void> {
  const token = await mintToken({ secret: SECRET, subject: 'bench', ttlSeconds: 3600 });
  const stores: Store[] = [];
  try {
    for (const campaigns of SIZES) {
      if (campaigns < ROUND_STARTS)
        throw new Error(`every size needs at least BENCH_GROWTH_ROUND_STARTS (${ROUND_STARTS}) campaigns`);
      stores.push(await Store.open(campaigns, token));
    }
    // Every size's service stays up and the sizes take their rounds in turn, so a noisy neighbour on the machine
    // weighs on all of them alike instead of on whichever size ran while it was busy.
    for (let n = 0; n < ROUNDS; n++) {
      for (const store of stores) {
        store.rounds.recent.push(await store.run('recent'));
        store.rounds.spread.push(await store.run('spread'));
      }
    }
    report(await Promise.all(stores.map((store) => store.close())));
  } finally {
    await Promise.all(stores.map((store) => store.remove()));
  }
}

/** One size: its database, its service process, and what was measured on it. */
class Store {
  readonly rounds: Record<Pattern, Round[]> = { recent: [], spread: [] };
  private closed = false;

  private constructor(
    readonly campaigns: number,
    private readonly dataDir: string,
    private readonly filename: string,
    private readonly fileMb: number,
    private readonly service: ServiceProcess,
    private readonly client: StartClient,
    private readonly reset: Resetter,
    private readonly pickers: Record<Pattern, Picker>,
    private prune: PruneLine | undefined = undefined,
    private readonly duringPrune: Round[] = [],
    private outboxAfterPrune = 0,
  ) {}

  /** Seeds the database, starts the service, and waits for its startup prune (taking rounds while it runs). */
  static async open(campaigns: number, token: string): Promise<Store> {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-growth-'));
    const filename = join(dataDir, 'campaigns.sqlite');
    const db = openDatabase({ kind: 'sqlite', filename });
    await migrateToLatest(db);
    await db.destroy();
    process.stdout.write(
      `${campaigns.toLocaleString('en')} campaigns: seeding them and ${(2 * campaigns).toLocaleString('en')} published outbox rows\n`,
    );
    seedSqlite(filename, { campaigns, publishedEvents: 2 * campaigns, publishedOverMs: 2 * RETENTION_DAYS * DAY_MS });
    const fileMb = statSync(filename).size / 1e6;
    const env = asInProduction({
      DATABASE_URL: `sqlite:${filename}`,
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: SECRET,
      KAFKA_BROKERS: '',
    });
    const service = await ServiceProcess.start(env, 20_000, SERVICE_NODE_ARGS);
    const pruned = pruneLine(service);
    const store = new Store(
      campaigns,
      dataDir,
      filename,
      fileMb,
      service,
      new StartClient(service.url, token, CONNECTIONS),
      new Resetter(filename),
      {
        recent: new Picker(campaigns - ROUND_STARTS + 1, ROUND_STARTS),
        spread: new Picker(1, campaigns),
      },
    );
    let pruneDone = false;
    void pruned.then(
      () => (pruneDone = true),
      () => undefined,
    );
    await store.run('recent'); // warm-up, not counted
    // Starts while the startup prune pass runs (the larger sizes): what its bounded statements cost a start.
    while (!pruneDone && store.duringPrune.length < ROUNDS) store.duringPrune.push(await store.run('recent'));
    store.prune = await pruned;
    store.outboxAfterPrune = outboxCounts(filename).published;
    await store.run('spread'); // warm-up, not counted
    process.stdout.write(
      `  outbox published rows ${2 * campaigns} → ${store.outboxAfterPrune} after the startup prune (${store.prune.statements} statements, ` +
        `longest ${store.prune.longestStatementMs} ms, ${(store.prune.durationMs / 1000).toFixed(1)} s)\n`,
    );
    return store;
  }

  run(pattern: Pattern): Promise<Round> {
    return round(this.client, this.pickers[pattern].take(ROUND_STARTS), this.reset);
  }

  /** Stops the service and answers what was measured. */
  async close(): Promise<Size> {
    this.closed = true;
    this.client.close();
    this.reset.close();
    await this.service.stop();
    for (const pattern of ['recent', 'spread'] as const) {
      const f = figuresOf(this.rounds[pattern]);
      process.stdout.write(
        `${this.campaigns.toLocaleString('en')} campaigns, ${pattern}: ${f.rps.toFixed(0)} starts/s, p50 ${ms(f.p50)} ms, p99 ${ms(f.p99)} ms\n`,
      );
    }
    return {
      campaigns: this.campaigns,
      fileMb: this.fileMb,
      outboxBefore: 2 * this.campaigns,
      outboxAfterPrune: this.outboxAfterPrune,
      outboxAfterRun: outboxCounts(this.filename),
      prune: this.prune!,
      duringPrune: this.duringPrune,
      rounds: this.rounds,
    };
  }

  async remove(): Promise<void> {
    if (!this.closed) {
      this.client.close();
      this.reset.close();
      await this.service.stop();
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The service's "outbox pruned" log line of its startup pass. */
function pruneLine(service: ServiceProcess): Promise<PruneLine> {
  return new Promise((resolvePrune, reject) => {
    // The pass may have ended before the service said it was listening: look at what it printed so far first.
    let seen = service.output.join('').slice(-100_000);
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-100_000);
      const line = seen.split('\n').find((l) => l.includes('"msg":"outbox pruned"'));
      if (line === undefined) return;
      service.child.stdout.off('data', onData);
      resolvePrune(JSON.parse(line) as PruneLine);
    };
    service.child.stdout.on('data', onData);
    onData(Buffer.alloc(0));
    service.child.once('exit', () =>
      reject(new Error(`the service exited before pruning:\n${service.output.join('')}`)),
    );
  });
}

/** Random distinct campaigns for each round, drawn from the ids first..first+count-1. */
class Picker {
  private readonly order: Uint32Array;
  private next = 0;

  constructor(first: number, count: number) {
    this.order = Uint32Array.from({ length: count }, (_, n) => first + n);
    this.shuffle();
  }

  take(count: number): number[] {
    if (this.next + count > this.order.length) this.shuffle();
    const taken = Array.from(this.order.subarray(this.next, this.next + count));
    this.next += count;
    return taken;
  }

  private shuffle(): void {
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
    }
    this.next = 0;
  }
}

/**
 * Puts the campaigns a round started back to scheduled between rounds (the service is idle then), with the start
 * date they had: a start by hand moves it to the moment of the start, and the service's scheduler would then find
 * them due.
 */
class Resetter {
  private readonly db: Database.Database;
  private readonly startDate: Database.Statement<[number], { start_at: number | null }>;
  private readonly update: Database.Statement;

  constructor(filename: string) {
    this.db = new Database(filename);
    this.db.pragma('busy_timeout = 5000');
    this.startDate = this.db.prepare('SELECT start_at FROM campaigns WHERE id = ?');
    this.update = this.db.prepare(
      "UPDATE campaigns SET status = 'scheduled', start_at = ?, started_at = NULL, version = version + 1 WHERE id = ?",
    );
  }

  /** The start dates of `ids`, read before a round. */
  startDates(ids: readonly number[]): Array<number | null> {
    return ids.map((id) => this.startDate.get(id)?.start_at ?? null);
  }

  reset(ids: readonly number[], startDates: ReadonlyArray<number | null>): void {
    this.db.transaction(() => {
      for (const [i, id] of ids.entries()) this.update.run(startDates[i], id);
    })();
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The starts of `ids` from CONNECTIONS requests in flight at a time (closed loop), then those campaigns are reset.
 * The connections are kept from round to round: a round of autocannon opened them anew each time, and the first
 * requests of every round (connecting, the first commit) were most of the slowest ones.
 */
async function round(client: StartClient, ids: number[], resetter: Resetter): Promise<Round> {
  const latenciesMs: number[] = [];
  let next = 0;
  let non2xx = 0;
  const startDates = resetter.startDates(ids);
  const began = performance.now();
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const sent = performance.now();
      const status = await client.start(id).catch(() => 0);
      latenciesMs.push(performance.now() - sent);
      if (status !== 200) non2xx++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (performance.now() - began) / 1_000;
  resetter.reset(ids, startDates);
  return { requestsPerSecond: ids.length / seconds, latenciesMs, non2xx };
}

function ms(value: number): string {
  return value.toFixed(1);
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

function figuresOf(rounds: Round[]): Figures {
  const all = rounds.flatMap((r) => r.latenciesMs);
  return {
    rps: median(rounds.map((r) => r.requestsPerSecond)),
    p50: percentile(all, 0.5),
    p99: percentile(all, 0.99),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

const pct = (value: number, of: number) => `${((value / of) * 100).toFixed(0)}%`;
/** Flat: cost does not grow by more than FLAT (a larger store that runs faster is not a growth in cost). */
const atLeast = (value: number, of: number) => value >= of * (1 - FLAT);
const atMost = (value: number, of: number) => value <= of * (1 + FLAT);

function startsTable(
  sizes: Size[],
  pattern: Pattern,
): { table: string; flat: boolean; p99Flat: boolean; figures: Figures[] } {
  const figures = sizes.map((size) => figuresOf(size.rounds[pattern]));
  const base = figures[0]!;
  const table = [
    '| stored campaigns | starts/s (median of rounds) | vs smallest | p50 ms | p99 ms | p99 vs smallest | database file |',
    '|---|---|---|---|---|---|---|',
    ...figures.map((f, i) => {
      const size = sizes[i]!;
      return `| ${size.campaigns.toLocaleString('en')} | ${f.rps.toFixed(0)} | ${pct(f.rps, base.rps)} | ${ms(f.p50)} | ${ms(f.p99)} | ${pct(f.p99, base.p99)} | ${size.fileMb.toFixed(0)} MB |`;
    }),
  ].join('\n');
  return {
    table,
    flat: figures.every((f) => atLeast(f.rps, base.rps) && atMost(f.p50, base.p50) && f.non2xx === 0),
    p99Flat: figures.every((f) => atMost(f.p99, base.p99)),
    figures,
  };
}

function report(sizes: Size[]): void {
  const recent = startsTable(sizes, 'recent');
  const spread = startsTable(sizes, 'spread');
  const verdict = recent.flat ? 'met' : 'missed';
  const flatText = (t: ReturnType<typeof startsTable>) => {
    const of = (pick: (f: Figures) => number) =>
      t.figures
        .slice(1)
        .map((f) => pct(pick(f), pick(t.figures[0]!)))
        .join(', ');
    return (
      `Against the smallest store: starts/s ${of((f) => f.rps)}, p50 ${of((f) => f.p50)}, p99 ${of((f) => f.p99)}; ` +
      `${t.flat ? 'flat' : 'not flat'} (starts/s at least ${100 - FLAT * 100}% and p50 at most ${100 + FLAT * 100}% of the smallest store's)` +
      `${t.flat && !t.p99Flat ? `, though p99 grows by more than ${FLAT * 100}%` : ''}`
    );
  };
  const outbox = [
    '| stored campaigns | published rows seeded | after the startup prune | statements | longest statement | pass took | starts during the pass: p50 / p99 ms | outbox after the run (published + unpublished) |',
    '|---|---|---|---|---|---|---|---|',
    ...sizes.map((s) => {
      const during = s.duringPrune.flatMap((r) => r.latenciesMs);
      const duringText =
        during.length === 0
          ? 'pass over before the first round'
          : `${ms(percentile(during, 0.5))} / ${ms(percentile(during, 0.99))} (${during.length} starts)`;
      return `| ${s.campaigns.toLocaleString('en')} | ${s.outboxBefore.toLocaleString('en')} | ${s.outboxAfterPrune.toLocaleString('en')} | ${s.prune.statements} | ${s.prune.longestStatementMs} ms | ${(s.prune.durationMs / 1000).toFixed(1)} s | ${duringText} | ${s.outboxAfterRun.published.toLocaleString('en')} + ${s.outboxAfterRun.unpublished.toLocaleString('en')} |`;
    }),
  ].join('\n');
  const nonOk = sizes.map((s) => figuresOf([...s.rounds.recent, ...s.rounds.spread]).non2xx);
  const body = `
\`npm run bench:growth\` (bench/growth.ts): the service as operators run it (\`node dist/src/main.js\`, SQLite with
synchronous=FULL, the scheduler on, no broker, default OUTBOX_RETENTION_HOURS=168) over a database seeded with
${SIZES.map((s) => s.toLocaleString('en')).join(', ')} scheduled campaigns and a published outbox history of twice as many rows, spread
evenly over the last ${2 * RETENTION_DAYS} days. A round is ${ROUND_STARTS.toLocaleString('en')} starts with a valid token, ${CONNECTIONS} in flight at a time over
${CONNECTIONS} keep-alive connections kept from round to round (closed loop), each on another campaign; between rounds the bench puts those campaigns back to scheduled. ${ROUNDS} rounds of each
workload per size, the sizes and workloads taking turns (every size's service stays up), once the startup prune is
over and after a warm-up round; latencies pooled over the rounds. The baseline is the smallest population, in the same run. Smaller: BENCH_GROWTH_SIZES=1000,100000
(also BENCH_GROWTH_ROUNDS, BENCH_GROWTH_ROUND_STARTS; BENCH_CPU_PROF_DIR=dir profiles the services).

**The same work over a growing store** (the target): each round starts the ${ROUND_STARTS.toLocaleString('en')} newest campaigns (the highest ids, as
the service's time-ordered ids make the newly created ones) in random order, whatever else the store holds.

${recent.table}

${flatText(recent)}. Target (flat within ${FLAT * 100}%): ${verdict}.

**Starts spread over the whole store** (the worst case, shown for what it costs): each round starts ${ROUND_STARTS.toLocaleString('en')} campaigns
drawn at random from the whole population, so the rows and index entries a group commit writes lie on more and
more different pages as the store grows (at ${SIZES[0]!.toLocaleString('en')} campaigns the whole table is a handful of pages).

${spread.table}

${flatText(spread)}.
Non-2xx answers per size: ${nonOk.join(', ')}.

The outbox does not grow without bound: the service prunes published rows older than the retention at startup and
hourly, ${'`'}DELETE … WHERE sequence IN (SELECT … WHERE published_at < cutoff ORDER BY published_at LIMIT 250)${'`'} per statement, then
a pause of at least 10 ms and three times what the statement took; never an unpublished row. The longest statement
is timed from when it has the connection: on SQLite it holds the writer and the event loop that long (the long ones
end in a WAL checkpoint). Rows published within the retention stay; the unpublished rows are
the starts of this run, waiting for a relay. The starts during the pass are "newest campaigns" rounds taken while it ran.

${outbox}

${machineLine()}
`;
  writeSection('Growth', body);
  const base = recent.figures[0]!;
  const last = recent.figures[recent.figures.length - 1]!;
  const lastSpread = spread.figures[spread.figures.length - 1]!;
  const largest = sizes[sizes.length - 1]!.campaigns.toLocaleString('en');
  printSummary({
    benchmark: '4. Growth',
    project: `${largest} campaigns: ${last.rps.toFixed(0)} starts/s, p50 ${ms(last.p50)} ms (spread: ${lastSpread.rps.toFixed(0)}/s)`,
    baseline: `${sizes[0]!.campaigns.toLocaleString('en')}: ${base.rps.toFixed(0)} starts/s, p50 ${ms(base.p50)} ms`,
    ratio: `${pct(last.rps, base.rps)} (spread ${pct(lastSpread.rps, spread.figures[0]!.rps)})`,
    target: `flat within ${FLAT * 100}%`,
    verdict,
  });
  process.stdout.write(
    `\nnewest campaigns:\n${recent.table}\n\nspread:\n${spread.table}\n\n${outbox}\n${verdict}; written to ${REPORT_NAME}\n`,
  );
}

await main();
