import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { mintToken } from '../src/adapters/auth/token-minter.js';
import { openDatabase } from '../src/adapters/persistence/database.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { ServiceProcess } from '../test/support/service-process.js';
import { machineLine, median, percentile, printSummary, writeSection } from './support/performance-report.js';
import { outboxCounts, seedSqlite } from './support/sqlite-seed.js';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256-000000';
const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '1000,100000,1000000').split(',').map(Number);
const ROUND_STARTS = Number(process.env.BENCH_GROWTH_ROUND_STARTS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_GROWTH_ROUNDS ?? 15);
const CONNECTIONS = 50;
const DAY_MS = 86_400_000;
/** The service's default OUTBOX_RETENTION_HOURS (7 days); the seeded history spans twice that. */
const RETENTION_DAYS = 7;
const FLAT = 0.2;

interface Size {
  campaigns: number;
  seedSeconds: number;
  fileMb: number;
  outboxBefore: number;
  outboxAfterPrune: number;
  outboxAfterRun: { published: number; unpublished: number };
  prune: PruneLine;
  duringPrune: Round[];
  rounds: Round[];
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
 */
async function main(): Promise<void> {
  const token = await mintToken({ secret: SECRET, subject: 'bench', ttlSeconds: 3600 });
  const sizes: Size[] = [];
  for (const campaigns of SIZES) {
    if (campaigns < ROUND_STARTS) throw new Error(`every size needs at least BENCH_GROWTH_ROUND_STARTS (${ROUND_STARTS}) campaigns`);
    sizes.push(await measure(campaigns, token));
  }
  report(sizes);
}

async function measure(campaigns: number, token: string): Promise<Size> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-growth-'));
  const filename = join(dataDir, 'campaigns.sqlite');
  try {
    const db = openDatabase({ kind: 'sqlite', filename });
    await migrateToLatest(db);
    await db.destroy();
    const published = 2 * campaigns;
    process.stdout.write(`${campaigns.toLocaleString('en')} campaigns: seeding them and ${published.toLocaleString('en')} published outbox rows\n`);
    const seedBegan = performance.now();
    seedSqlite(filename, { campaigns, publishedEvents: published, publishedOverMs: 2 * RETENTION_DAYS * DAY_MS });
    const seedSeconds = (performance.now() - seedBegan) / 1_000;
    const fileMb = statSync(filename).size / 1e6;

    const service = await ServiceProcess.start({ DATABASE_URL: `sqlite:${filename}`, DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, KAFKA_BROKERS: '' });
    const pruned = pruneLine(service);
    const reset = new Resetter(filename);
    const ids = new Picker(campaigns);
    try {
      // Starts while the startup prune pass runs (the larger sizes): what its bounded statements cost a start.
      const duringPrune: Round[] = [];
      let pruneDone = false;
      void pruned.then(
        () => (pruneDone = true),
        () => undefined,
      );
      await round(service.url, token, ids, reset); // warm-up, not counted
      while (!pruneDone && duringPrune.length < ROUNDS) duringPrune.push(await round(service.url, token, ids, reset));
      const prune = await pruned;
      const outboxAfterPrune = outboxCounts(filename).published;
      const rounds: Round[] = [];
      for (let n = 0; n < ROUNDS; n++) rounds.push(await round(service.url, token, ids, reset));
      const size: Size = {
        campaigns,
        seedSeconds,
        fileMb,
        outboxBefore: published,
        outboxAfterPrune,
        outboxAfterRun: outboxCounts(filename),
        prune,
        duringPrune,
        rounds,
      };
      const all = rounds.flatMap((r) => r.latenciesMs);
      process.stdout.write(
        `  ${median(rounds.map((r) => r.requestsPerSecond)).toFixed(0)} starts/s, p50 ${ms(percentile(all, 0.5))} ms, p99 ${ms(percentile(all, 0.99))} ms; ` +
          `outbox published rows ${published} → ${outboxAfterPrune} after the startup prune (${prune.statements} statements, ` +
          `longest ${prune.longestStatementMs} ms, ${(prune.durationMs / 1000).toFixed(1)} s)\n`,
      );
      return size;
    } finally {
      reset.close();
      await service.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The service's "outbox pruned" log line of its startup pass. */
function pruneLine(service: ServiceProcess): Promise<PruneLine> {
  return new Promise((resolvePrune, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-100_000);
      const line = seen.split('\n').find((l) => l.includes('"msg":"outbox pruned"'));
      if (line === undefined) return;
      service.child.stdout.off('data', onData);
      resolvePrune(JSON.parse(line) as PruneLine);
    };
    service.child.stdout.on('data', onData);
    service.child.once('exit', () => reject(new Error(`the service exited before pruning:\n${service.output.join('')}`)));
  });
}

/** Random distinct campaigns for each round, drawn from the whole population. */
class Picker {
  private readonly order: Uint32Array;
  private next = 0;

  constructor(private readonly campaigns: number) {
    this.order = Uint32Array.from({ length: campaigns }, (_, n) => n + 1);
    this.shuffle();
  }

  take(count: number): number[] {
    if (this.next + count > this.campaigns) this.shuffle();
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

/** Puts the campaigns a round started back to scheduled between rounds (the service is idle then). */
class Resetter {
  private readonly db: Database.Database;
  private readonly update: Database.Statement;

  constructor(filename: string) {
    this.db = new Database(filename);
    this.db.pragma('busy_timeout = 5000');
    this.update = this.db.prepare("UPDATE campaigns SET status = 'scheduled', started_at = NULL, version = version + 1 WHERE id = ?");
  }

  reset(ids: readonly number[]): void {
    this.db.transaction(() => {
      for (const id of ids) this.update.run(id);
    })();
  }

  close(): void {
    this.db.close();
  }
}

/** ROUND_STARTS starts over CONNECTIONS connections, each on another scheduled campaign, then those are reset. */
async function round(url: string, token: string, picker: Picker, resetter: Resetter): Promise<Round> {
  const ids = picker.take(ROUND_STARTS);
  const latenciesMs: number[] = [];
  let n = 0;
  let lastAnswerAt = 0;
  const began = performance.now();
  // autocannon's own rate counts whole seconds; a round lasts a fraction of one, so it is timed here.
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    amount: ids.length,
    headers: { authorization: `Bearer ${token}` },
    requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, path: `/api/v1/campaigns/${ids[n++ % ids.length]}/start` }) }],
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latenciesMs.push(responseTime);
    lastAnswerAt = performance.now();
  });
  const result = await instance;
  resetter.reset(ids);
  const seconds = (lastAnswerAt - began) / 1_000;
  return { requestsPerSecond: latenciesMs.length / seconds, latenciesMs, non2xx: result.non2xx + result.errors };
}

function ms(value: number): string {
  return value.toFixed(1);
}

function report(sizes: Size[]): void {
  const figures = sizes.map((size) => {
    const all = size.rounds.flatMap((r) => r.latenciesMs);
    return {
      size,
      rps: median(size.rounds.map((r) => r.requestsPerSecond)),
      p50: percentile(all, 0.5),
      p99: percentile(all, 0.99),
      non2xx: size.rounds.reduce((sum, r) => sum + r.non2xx, 0),
    };
  });
  const base = figures[0]!;
  const pct = (value: number, of: number) => `${((value / of) * 100).toFixed(0)}%`;
  const within = (value: number, of: number) => Math.abs(value / of - 1) <= FLAT;
  const flat = figures.every((f) => within(f.rps, base.rps) && within(f.p50, base.p50));
  const p99Flat = figures.every((f) => within(f.p99, base.p99));
  const verdict = flat && figures.every((f) => f.non2xx === 0) ? 'met' : 'missed';
  const starts = [
    '| stored campaigns | starts/s (median of rounds) | vs smallest | p50 ms | p99 ms | p99 vs smallest | database file |',
    '|---|---|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.size.campaigns.toLocaleString('en')} | ${f.rps.toFixed(0)} | ${pct(f.rps, base.rps)} | ${ms(f.p50)} | ${ms(f.p99)} | ${pct(f.p99, base.p99)} | ${f.size.fileMb.toFixed(0)} MB |`,
    ),
  ].join('\n');
  const outbox = [
    '| stored campaigns | published rows seeded | after the startup prune | statements | longest statement | pass took | starts during the pass: p50 / p99 ms | outbox after the run (published + unpublished) |',
    '|---|---|---|---|---|---|---|---|',
    ...sizes.map((s) => {
      const during = s.duringPrune.flatMap((r) => r.latenciesMs);
      const duringText = during.length === 0 ? 'pass over before the first round' : `${ms(percentile(during, 0.5))} / ${ms(percentile(during, 0.99))} (${during.length} starts)`;
      return `| ${s.campaigns.toLocaleString('en')} | ${s.outboxBefore.toLocaleString('en')} | ${s.outboxAfterPrune.toLocaleString('en')} | ${s.prune.statements} | ${s.prune.longestStatementMs} ms | ${(s.prune.durationMs / 1000).toFixed(1)} s | ${duringText} | ${s.outboxAfterRun.published.toLocaleString('en')} + ${s.outboxAfterRun.unpublished.toLocaleString('en')} |`;
    }),
  ].join('\n');
  const body = `
\`npm run bench:growth\` (bench/growth.ts): the service as operators run it (\`node dist/src/main.js\`, SQLite with
synchronous=FULL, the scheduler on, no broker, default OUTBOX_RETENTION_HOURS=168) over a database seeded with
${SIZES.map((s) => s.toLocaleString('en')).join(', ')} scheduled campaigns and a published outbox history of twice as many rows, spread
evenly over the last ${2 * RETENTION_DAYS} days. Each round is ${ROUND_STARTS.toLocaleString('en')} starts over ${CONNECTIONS} connections (autocannon), each on another
campaign drawn at random from the whole population, with a valid token; between rounds the bench puts those
campaigns back to scheduled. ${ROUNDS} rounds per size once the startup prune is over, after a warm-up round; latencies pooled over all rounds.
The baseline is the smallest population, in the same run. Smaller: BENCH_GROWTH_SIZES=1000,100000
(also BENCH_GROWTH_ROUNDS, BENCH_GROWTH_ROUND_STARTS).

${starts}

Flat within ${FLAT * 100}% (starts/s and p50 against the smallest population): ${verdict}${p99Flat ? '; p99 too' : '; p99 is not within 20% (see below)'}.
Non-2xx answers: ${figures.map((f) => f.non2xx).join(', ')}.

The outbox does not grow without bound: the service prunes published rows older than the retention at startup and
hourly, ${'`'}DELETE … WHERE sequence IN (SELECT … WHERE published_at < cutoff ORDER BY published_at LIMIT 250)${'`'} per statement with 10 ms
between statements, never an unpublished row. Rows published within the retention stay; the unpublished rows below are
the starts of this run, waiting for a relay.

${outbox}

${machineLine()}
`;
  writeSection('Growth', body);
  const last = figures[figures.length - 1]!;
  printSummary({
    benchmark: '4. Growth',
    project: `${last.size.campaigns.toLocaleString('en')} campaigns: ${last.rps.toFixed(0)} starts/s, p50 ${ms(last.p50)} ms, p99 ${ms(last.p99)} ms`,
    baseline: `${base.size.campaigns.toLocaleString('en')}: ${base.rps.toFixed(0)} starts/s, p50 ${ms(base.p50)} ms, p99 ${ms(base.p99)} ms`,
    ratio: `${pct(last.rps, base.rps)} starts/s`,
    target: `flat within ${FLAT * 100}%`,
    verdict,
  });
  process.stdout.write(`\n${starts}\n\n${outbox}\n${verdict}; written to docs/performance.md\n`);
}

await main();
