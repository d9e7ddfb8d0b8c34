import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../src/adapters/auth/token-minter.js';
import { openDatabase } from '../src/adapters/persistence/knex/open-database.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { ServiceProcess } from '../test/support/service-process.js';
import { startBareKoa } from './support/bare-koa-process.js';
import { cpuProfileArgs } from './support/cpu-profile.js';
import { measuringCpu } from './support/cpu-usage.js';
import { type LoadOptions, type LoadResult, load } from './support/load.js';
import { loadAverage } from './support/machine-load.js';
import { type OtlpSink, startOtlpSink } from './support/otlp-sink.js';
import { machineLine, median, printSummary, writeSection } from './support/performance-report.js';
import { asInProduction } from './support/production.js';
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
/**
 * The same service with its writes on the \`sqlite3\` driver (bench/servers/sqlite3-service.ts) as a third server in
 * every round, on a copy of the seeded file; BENCH_SQLITE3=off leaves it out. Not with tracing.
 */
/** BENCH_CPU_PROF_DIR=dir: the service (better-sqlite3), the HTTP layer alone and bare Koa write a CPU profile there when they stop. */
const PROFILED = cpuProfileArgs();
/** BENCH_HTTP_BASELINE_MAIN=<another build's dist/src/main.js>: that build as one more server in every round, on a copy of the file. */
const BASELINE_MAIN = process.env.BENCH_HTTP_BASELINE_MAIN;
/** BENCH_SERVICE_NODE_ARGS / BENCH_BASELINE_NODE_ARGS="--flag ...": node options of the service / the baseline build. */
const SERVICE_NODE_ARGS = nodeArgs(process.env.BENCH_SERVICE_NODE_ARGS);
const BASELINE_NODE_ARGS = nodeArgs(process.env.BENCH_BASELINE_NODE_ARGS);
const SQLITE3 = !TRACING && process.env.BENCH_SQLITE3 !== 'off';
/**
 * The service with a start answered without its use case (bench/servers/http-layer-service.ts) as one more server in
 * every round: what the HTTP layer alone costs. BENCH_HTTP_LAYER=off leaves it out. Not with tracing.
 */
const HTTP_LAYER = !TRACING && process.env.BENCH_HTTP_LAYER !== 'off';
const SECTION = TRACING ? 'HTTP start path vs bare Koa, every request traced' : 'HTTP start path vs bare Koa';

function nodeArgs(value: string | undefined): string[] {
  return (value ?? '').split(' ').filter((arg) => arg !== '');
}

/** Every server runs as in production: NODE_ENV=production, a configured secret, request lines logged at info. */
function serviceEnvironment(databaseFile: string, dataDir: string): Record<string, string> {
  return asInProduction({
    DATABASE_URL: `sqlite:${databaseFile}`,
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: SECRET,
    SCHEDULER: 'off',
    LOG_LEVEL: 'info',
    KAFKA_BROKERS: '',
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const filename = join(dataDir, 'campaigns.sqlite');
  const db = openDatabase({ kind: 'sqlite', filename });
  await migrateToLatest(db);
  await seedScheduledCampaigns(db, 1, CAMPAIGNS);
  await db.destroy();
  const sqlite3File = join(dataDir, 'campaigns-sqlite3.sqlite');
  if (SQLITE3) copyFileSync(filename, sqlite3File);
  const baselineFile = join(dataDir, 'campaigns-baseline.sqlite');
  if (BASELINE_MAIN) copyFileSync(filename, baselineFile);

  const token = await mintToken({ secret: SECRET, subject: 'bench', ttlSeconds: 3600 });
  const sink = TRACING ? await startOtlpSink() : undefined;
  const service = await ServiceProcess.start(
    {
      ...(sink === undefined
        ? {}
        : {
            OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
            OTEL_TRACES_SAMPLER: 'always_on',
            OTEL_SERVICE_NAME: 'campaign-service-bench',
          }),
      ...serviceEnvironment(filename, dataDir),
    },
    20_000,
    [...SERVICE_NODE_ARGS, ...PROFILED],
  );
  // A server that fails to start must not leave the ones already started running after the benchmark exits.
  let sqlite3Service: ServiceProcess | undefined;
  let baselineService: ServiceProcess | undefined;
  let httpLayerService: ServiceProcess | undefined;
  try {
    httpLayerService = HTTP_LAYER
      ? await ServiceProcess.start(
          serviceEnvironment(join(dataDir, 'campaigns-http-layer.sqlite'), dataDir),
          20_000,
          PROFILED,
          resolve(here, 'servers/http-layer-service.js'),
        )
      : undefined;
    sqlite3Service = SQLITE3
      ? await ServiceProcess.start(
          {
            ...serviceEnvironment(sqlite3File, dataDir),
          },
          20_000,
          [],
          resolve(here, 'servers/sqlite3-service.js'),
        )
      : undefined;
    baselineService = BASELINE_MAIN
      ? await ServiceProcess.start(
          {
            ...serviceEnvironment(baselineFile, dataDir),
          },
          20_000,
          BASELINE_NODE_ARGS,
          BASELINE_MAIN,
        )
      : undefined;
  } catch (error) {
    await service.stop();
    await httpLayerService?.stop();
    await sqlite3Service?.stop();
    await sink?.stop();
    throw error;
  }
  const bare = await startBareKoa(PROFILED);
  const headers = { authorization: `Bearer ${token}` };
  const startsOn = (url: string, pathOf: (n: number) => string): LoadOptions => ({
    url,
    connections: CONNECTIONS,
    durationSeconds: DURATION_SECONDS,
    headers,
    pathOf,
  });
  /** The servers that answer without a database take any id; the others start each seeded campaign once. */
  const anyCampaign = (n: number) => `/api/v1/campaigns/${n + 1}/start`;
  let nextId = 1;
  let nextSqlite3Id = 1;
  let nextBaselineId = 1;
  const results: Round[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const bareResult = await load(startsOn(bare.url, anyCampaign));
      const serviceResult = await loadMeasuringCpu(
        service,
        startsOn(service.url, () => `/api/v1/campaigns/${nextId++}/start`),
      );
      const httpLayerResult = httpLayerService
        ? await loadMeasuringCpu(httpLayerService, startsOn(httpLayerService.url, anyCampaign))
        : undefined;
      const sqlite3Result = sqlite3Service
        ? await load(startsOn(sqlite3Service.url, () => `/api/v1/campaigns/${nextSqlite3Id++}/start`))
        : undefined;
      const baselineResult = baselineService
        ? await loadMeasuringCpu(
            baselineService,
            startsOn(baselineService.url, () => `/api/v1/campaigns/${nextBaselineId++}/start`),
          )
        : undefined;
      if (Math.max(nextId, nextSqlite3Id, nextBaselineId) > CAMPAIGNS)
        throw new Error(`ran out of seeded campaigns: raise BENCH_CAMPAIGNS above ${CAMPAIGNS}`);
      results.push({
        bare: bareResult,
        service: serviceResult,
        httpLayer: httpLayerResult,
        sqlite3: sqlite3Result,
        baseline: baselineResult,
      });
      const sqlite3Line = sqlite3Result
        ? `, on sqlite3 ${sqlite3Result.requestsPerSecond.toFixed(0)} req/s (p99 ${sqlite3Result.p99Ms} ms, non-2xx ${sqlite3Result.non2xx})`
        : '';
      process.stdout.write(
        `round ${round}: bare ${bareResult.requestsPerSecond.toFixed(0)} req/s, start path ${serviceResult.requestsPerSecond.toFixed(0)} req/s (p99 ${serviceResult.p99Ms} ms, CPU ${serviceResult.cpuMsPerStart.toFixed(3)} ms/start, non-2xx ${serviceResult.non2xx})${httpLayerResult ? `, HTTP layer alone ${httpLayerResult.requestsPerSecond.toFixed(0)} req/s (CPU ${httpLayerResult.cpuMsPerStart.toFixed(3)} ms/request)` : ''}${sqlite3Line}${baselineResult ? `, baseline build ${baselineResult.requestsPerSecond.toFixed(0)} req/s (p99 ${baselineResult.p99Ms} ms, CPU ${baselineResult.cpuMsPerStart.toFixed(3)} ms/start)` : ''}\n`,
      );
    }
  } finally {
    bare.stop();
    await service.stop();
    await httpLayerService?.stop();
    await sqlite3Service?.stop();
    await baselineService?.stop();
    await sink?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  report(results, sink);
}

/** A run against one service process, with the CPU time (user and system) that process spent per start answered. */
interface MeasuredLoad extends LoadResult {
  cpuMsPerStart: number;
}

async function loadMeasuringCpu(server: ServiceProcess, options: LoadOptions): Promise<MeasuredLoad> {
  const pid = server.child.pid!;
  const { result, seconds } = await measuringCpu({ service: () => [pid] }, () => load(options));
  return {
    ...result,
    cpuMsPerStart: (seconds.service! * 1000) / Math.max(1, result.total - result.non2xx - result.errors),
  };
}

interface Round {
  bare: LoadResult;
  service: MeasuredLoad;
  httpLayer: MeasuredLoad | undefined;
  sqlite3: LoadResult | undefined;
  baseline: MeasuredLoad | undefined;
}

function report(results: Round[], sink: OtlpSink | undefined): void {
  const m = (pick: (r: Round) => number) => median(results.map(pick));
  const bareRps = m((r) => r.bare.requestsPerSecond);
  const serviceRps = m((r) => r.service.requestsPerSecond);
  const ratio = serviceRps / bareRps;
  const p99 = m((r) => r.service.p99Ms);
  const non2xx = results.reduce((sum, r) => sum + r.service.non2xx + r.service.errors, 0);
  const verdict = ratio >= 0.4 && p99 <= 15 ? 'met' : 'missed';
  const table = [
    '| | req/s (median) | p50 ms | p99 ms | service CPU per start |',
    '|---|---|---|---|---|',
    `| bare Koa + @koa/router, same body | ${bareRps.toFixed(0)} | ${m((r) => r.bare.p50Ms)} | ${m((r) => r.bare.p99Ms)} | |`,
    `| full start path (auth, SQLite transaction, outbox) | ${serviceRps.toFixed(0)} | ${m((r) => r.service.p50Ms)} | ${p99} | ${m((r) => r.service.cpuMsPerStart).toFixed(3)} ms |`,
    ...(HTTP_LAYER
      ? [
          `| the service's HTTP layer alone (token check, request envelope, router; the start answered without its use case) | ${m((r) => r.httpLayer!.requestsPerSecond).toFixed(0)} | ${m((r) => r.httpLayer!.p50Ms)} | ${m((r) => r.httpLayer!.p99Ms)} | ${m((r) => r.httpLayer!.cpuMsPerStart).toFixed(3)} ms |`,
        ]
      : []),
    ...(BASELINE_MAIN
      ? [
          `| baseline build (${BASELINE_MAIN}) | ${m((r) => r.baseline!.requestsPerSecond).toFixed(0)} | ${m((r) => r.baseline!.p50Ms)} | ${m((r) => r.baseline!.p99Ms)} | ${m((r) => r.baseline!.cpuMsPerStart).toFixed(3)} ms |`,
        ]
      : []),
    ...(SQLITE3
      ? [
          `| the same, its writes on the \`sqlite3\` driver (same group commit, statements prepared once) | ${m((r) => r.sqlite3!.requestsPerSecond).toFixed(0)} | ${m((r) => r.sqlite3!.p50Ms)} | ${m((r) => r.sqlite3!.p99Ms)} | |`,
        ]
      : []),
  ].join('\n');
  const body = `${machineLine()}
\`npm run bench:http\` (bench/http-start.ts): autocannon, ${CONNECTIONS} connections, ${DURATION_SECONDS} s per run, ${results.length} rounds taking the servers in turn, each in
its own process, the services as in production (\`NODE_ENV=production\`, a configured secret, a line logged per
request); every start request hits a different pre-created scheduled campaign with a valid token. Service
CPU per start: the CPU time (user and system) of the service's process during its run, divided by the starts it
answered; it counts the work the process did, not the time it waited for the disk or for a core, so it moves less
with the machine's load than starts/s.
Shorter: BENCH_DURATION_SECONDS=5 BENCH_ROUNDS=1 BENCH_CAMPAIGNS=100000 (seconds a run, rounds, campaigns seeded);
BENCH_SQLITE3=off leaves the \`sqlite3\` server out, BENCH_HTTP_LAYER=off the HTTP layer alone, BENCH_TRACING=on traces every request, BENCH_CPU_PROF_DIR=dir profiles
the three servers (not the baseline build or \`sqlite3\`), BENCH_HTTP_BASELINE_MAIN=<another build's dist/src/main.js> runs that build as one more server,
BENCH_SERVICE_NODE_ARGS and BENCH_BASELINE_NODE_ARGS give node options to the service and to that build.

${table}

Ratio start path / bare Koa: **${(ratio * 100).toFixed(1)}%** (target ≥ 40% with p99 ≤ 15 ms: ${verdict}).
Non-2xx answers or errors on the start path: ${non2xx}.${httpLayerLine(results)}${baselineLine(results)}${driverLine(results)}${tracingLine(sink)}
${loadAverage()}`;
  writeSection(SECTION, body);
  printSummary({
    benchmark: TRACING ? '1b. HTTP start path, traced' : '1. HTTP start path',
    project: `${serviceRps.toFixed(0)} req/s, p99 ${p99} ms`,
    baseline: `bare Koa ${bareRps.toFixed(0)} req/s`,
    ratio: `${(ratio * 100).toFixed(1)}%`,
    target: '≥ 40%, p99 ≤ 15 ms',
    verdict,
  });
  process.stdout.write(`\n${table}\nratio ${(ratio * 100).toFixed(1)}%, p99 ${p99} ms: ${verdict}\n`);
}

/** Where the start path's cost sits: the HTTP layer against bare Koa, the use case and its transaction on top. */
function httpLayerLine(results: Round[]): string {
  if (!HTTP_LAYER) return '';
  const perRound = (pick: (r: Round) => number) => median(results.map(pick));
  const layer = perRound((r) => r.httpLayer!.requestsPerSecond / r.bare.requestsPerSecond);
  const start = perRound((r) => r.service.requestsPerSecond / r.httpLayer!.requestsPerSecond);
  const layerCpu = perRound((r) => r.httpLayer!.cpuMsPerStart);
  const startCpu = perRound((r) => r.service.cpuMsPerStart - r.httpLayer!.cpuMsPerStart);
  const non2xx = results.reduce((sum, r) => sum + r.httpLayer!.non2xx + r.httpLayer!.errors, 0);
  return `
The HTTP layer alone / bare Koa (median of each round's ratio): **${(layer * 100).toFixed(1)}%**, at ${layerCpu.toFixed(3)} ms of CPU a
request; the full start path / the HTTP layer alone: **${(start * 100).toFixed(1)}%** (the use case, its transaction and outbox row: ${startCpu.toFixed(3)} ms
of CPU a start on top). Non-2xx answers or errors on the HTTP layer alone: ${non2xx}.`;
}

function baselineLine(results: Round[]): string {
  if (!BASELINE_MAIN) return '';
  const perRound = (pick: (r: MeasuredLoad) => number) =>
    median(results.map((r) => pick(r.service) / pick(r.baseline!)));
  return `
This build / the baseline build (median of each round's ratio): starts/s **${(perRound((r) => r.requestsPerSecond) * 100).toFixed(0)}%**, p99 **${(perRound((r) => r.p99Ms) * 100).toFixed(0)}%**, service CPU per start **${(perRound((r) => r.cpuMsPerStart) * 100).toFixed(0)}%**.`;
}

/** The driver rule: \`sqlite3\` is used if it comes within 10% of better-sqlite3 on starts/s and on p99. */
function driverLine(results: Round[]): string {
  if (!SQLITE3) return '';
  const perRound = (pick: (r: LoadResult) => number) => median(results.map((r) => pick(r.sqlite3!) / pick(r.service)));
  const rps = perRound((r) => r.requestsPerSecond);
  const p99 = perRound((r) => r.p99Ms);
  const within = rps >= 0.9 && p99 <= 1.1;
  const non2xx = results.reduce((sum, r) => sum + r.sqlite3!.non2xx + r.sqlite3!.errors, 0);
  return `
\`sqlite3\` / better-sqlite3 (median of each round's ratio): starts/s **${(rps * 100).toFixed(0)}%**, p99 **${(p99 * 100).toFixed(0)}%**;
within 10% on both: ${within ? 'yes' : 'no'}. Non-2xx answers or errors on \`sqlite3\`: ${non2xx}.`;
}

function tracingLine(sink: OtlpSink | undefined): string {
  if (sink === undefined) return '';
  const { requests, bytes } = sink.received();
  return `\nTracing on: every request sampled (OTEL_TRACES_SAMPLER=always_on) and its spans exported over OTLP/HTTP
(protobuf) to a sink in the benchmark process: ${requests} exports, ${(bytes / 1e6).toFixed(1)} MB.`;
}

await main();
