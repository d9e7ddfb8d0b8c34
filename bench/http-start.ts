import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { mintToken } from '../src/adapters/auth/token-minter.js';
import { openDatabase } from '../src/adapters/persistence/database.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { ServiceProcess } from '../test/support/service-process.js';
import { load, type LoadResult } from './support/load.js';
import { machineLine, median, printSummary, writeSection } from './support/performance-report.js';
import { startOtlpSink, type OtlpSink } from './support/otlp-sink.js';
import { seedScheduledCampaigns } from './support/seed.js';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256-000000';
const CONNECTIONS = 50;
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 400_000);
const here = dirname(fileURLToPath(import.meta.url));
/**
 * BENCH_TRACING=on (or --tracing): the service samples every request (OTEL_TRACES_SAMPLER=always_on) and exports
 * its spans over OTLP/HTTP (protobuf) to a sink in this process; the section is reported apart from the untraced one.
 */
const TRACING = process.env.BENCH_TRACING === 'on' || process.argv.includes('--tracing');
const SECTION = TRACING ? 'HTTP start path vs bare Koa, every request traced' : 'HTTP start path vs bare Koa';

async function startBareKoa(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [resolve(here, 'servers/bare-koa.js')]);
  const url = await new Promise<string>((ok) => child.stdout.on('data', (d: Buffer) => ok(/"url":"([^"]+)"/.exec(d.toString())![1]!)));
  return { url, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const filename = join(dataDir, 'campaigns.sqlite');
  const db = openDatabase({ kind: 'sqlite', filename });
  await migrateToLatest(db);
  await seedScheduledCampaigns(db, 1, CAMPAIGNS);
  await db.destroy();

  const token = await mintToken({ secret: SECRET, subject: 'bench', ttlSeconds: 3600 });
  const sink = TRACING ? await startOtlpSink() : undefined;
  const service = await ServiceProcess.start({
    ...(sink === undefined
      ? {}
      : { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'always_on', OTEL_SERVICE_NAME: 'campaign-service-bench' }),
    DATABASE_URL: `sqlite:${filename}`,
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: SECRET,
    SCHEDULER: 'off',
    LOG_LEVEL: 'info',
    KAFKA_BROKERS: '',
  });
  const bare = await startBareKoa();
  const headers = { authorization: `Bearer ${token}` };
  let nextId = 1;
  const results: Array<{ bare: LoadResult; service: LoadResult }> = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const bareResult = await load({ url: bare.url, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, headers, pathOf: (n) => `/api/v1/campaigns/${n + 1}/start` });
      const serviceResult = await load({
        url: service.url,
        connections: CONNECTIONS,
        durationSeconds: DURATION_SECONDS,
        headers,
        pathOf: () => `/api/v1/campaigns/${nextId++}/start`,
      });
      if (nextId > CAMPAIGNS) throw new Error(`ran out of seeded campaigns: raise BENCH_CAMPAIGNS above ${CAMPAIGNS}`);
      results.push({ bare: bareResult, service: serviceResult });
      process.stdout.write(`round ${round}: bare ${bareResult.requestsPerSecond.toFixed(0)} req/s, start path ${serviceResult.requestsPerSecond.toFixed(0)} req/s (p99 ${serviceResult.p99Ms} ms, non-2xx ${serviceResult.non2xx})\n`);
    }
  } finally {
    bare.stop();
    await service.stop();
    await sink?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  report(results, sink);
}

function report(results: Array<{ bare: LoadResult; service: LoadResult }>, sink: OtlpSink | undefined): void {
  const m = (pick: (r: { bare: LoadResult; service: LoadResult }) => number) => median(results.map(pick));
  const bareRps = m((r) => r.bare.requestsPerSecond);
  const serviceRps = m((r) => r.service.requestsPerSecond);
  const ratio = serviceRps / bareRps;
  const p99 = m((r) => r.service.p99Ms);
  const non2xx = results.reduce((sum, r) => sum + r.service.non2xx + r.service.errors, 0);
  const verdict = ratio >= 0.3 && p99 <= 25 ? 'met' : 'missed';
  const table = [
    '| | req/s (median) | p50 ms | p99 ms |',
    '|---|---|---|---|',
    `| bare Koa + @koa/router, same body | ${bareRps.toFixed(0)} | ${m((r) => r.bare.p50Ms)} | ${m((r) => r.bare.p99Ms)} |`,
    `| full start path (auth, SQLite transaction, outbox) | ${serviceRps.toFixed(0)} | ${m((r) => r.service.p50Ms)} | ${p99} |`,
  ].join('\n');
  const body = `${machineLine()}
autocannon, ${CONNECTIONS} connections, ${DURATION_SECONDS} s per run, ${results.length} rounds alternating the two servers, each in
its own process; every start request hits a different pre-created scheduled campaign with a valid token.

${table}

Ratio start path / bare Koa: **${(ratio * 100).toFixed(1)}%** (target ≥ 30% with p99 ≤ 25 ms: ${verdict}).
Non-2xx answers or errors on the start path: ${non2xx}.${tracingLine(sink)}`;
  writeSection(SECTION, body);
  printSummary({
    benchmark: TRACING ? '1b. HTTP start path, traced' : '1. HTTP start path',
    project: `${serviceRps.toFixed(0)} req/s, p99 ${p99} ms`,
    baseline: `bare Koa ${bareRps.toFixed(0)} req/s`,
    ratio: `${(ratio * 100).toFixed(1)}%`,
    target: '≥ 30%, p99 ≤ 25 ms',
    verdict,
  });
  process.stdout.write(`\n${table}\nratio ${(ratio * 100).toFixed(1)}%, p99 ${p99} ms: ${verdict}\n`);
}

function tracingLine(sink: OtlpSink | undefined): string {
  if (sink === undefined) return '';
  const { requests, bytes } = sink.received();
  return `\nTracing on: every request sampled (OTEL_TRACES_SAMPLER=always_on) and its spans exported over OTLP/HTTP
(protobuf) to a sink in the benchmark process: ${requests} exports, ${(bytes / 1e6).toFixed(1)} MB.`;
}

await main();
