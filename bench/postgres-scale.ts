import { mintToken } from '../src/adapters/auth/token-minter.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { openTestDatabase, POSTGRES, SQLITE, type TestDatabase } from '../test/support/databases.js';
import { ServiceProcess } from '../test/support/service-process.js';
import { cpuProfileArgs } from './support/cpu-profile.js';
import { measuringCpu } from './support/cpu-usage.js';
import { type LoadResult, load } from './support/load.js';
import { loadAverage } from './support/machine-load.js';
import { machineLine, median, printSummary, writeSection } from './support/performance-report.js';
import { asInProduction } from './support/production.js';
import { seedScheduledCampaigns } from './support/seed.js';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256-000000';
const CONNECTIONS = 50;
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Scheduled campaigns seeded in each database at first; every start request takes a fresh one. */
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 300_000);
/** More starts a second than any setup reached here: before each run, at least a run's worth at this rate is left. */
const FASTEST_STARTS_PER_SECOND = 25_000;

interface Setup {
  label: string;
  database: 'sqlite' | 'postgres' | 'baseline';
  instances: number;
}

/**
 * Another build's `dist/src/main.js` (e.g. the previous commit's), run beside this one on a PostgreSQL schema of its
 * own, seeded the same: a build refuses a schema that a newer build migrated, so it migrates its own.
 */
const BASELINE_MAIN = process.env.BENCH_POSTGRES_BASELINE_MAIN;
/** The service's PostgreSQL connections carry this name, so their server processes can be told from others'. */
const APPLICATION_NAME = 'campaign-bench';
/** BENCH_CPU_PROF_DIR=dir: this build's PostgreSQL instances write a CPU profile there when they stop. */
const POSTGRES_NODE_ARGS = cpuProfileArgs();

const SETUPS: readonly Setup[] = [
  { label: 'SQLite, 1 instance', database: 'sqlite', instances: 1 },
  { label: 'PostgreSQL, 1 instance', database: 'postgres', instances: 1 },
  { label: 'PostgreSQL, 2 instances', database: 'postgres', instances: 2 },
  ...(BASELINE_MAIN
    ? [{ label: 'PostgreSQL, 1 instance, baseline build', database: 'baseline' as const, instances: 1 }]
    : []),
];

/** One run of one setup: the instances' results summed (throughput) or taken at their worst (latency). */
interface Run {
  startsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  /** CPU the service processes spent per start answered. */
  cpuMsPerStart: number;
  /** CPU the PostgreSQL server processes spent per start answered (when the server runs on this machine). */
  postgresCpuMsPerStart: number;
  /** How busy the whole machine was (every core), 0 to 1. */
  machineBusy: number;
}

/**
 * Starts per second through real service processes (`node dist/src/main.js`): one instance on SQLite (the
 * baseline), one on PostgreSQL, and two on one PostgreSQL database sharing the same 50 connections of load.
 * No broker: events stay in the outbox, as in the HTTP start benchmark, so the figures are the start path's.
 */
async function main(): Promise<void> {
  const databases = {
    sqlite: await seeded(SQLITE.create()),
    postgres: await seeded(POSTGRES.create()),
    baseline: BASELINE_MAIN ? await POSTGRES.create() : undefined,
  };
  // KAFKA_BROKERS empty: no relay, even when `npm run bench` started a broker for the other benchmarks.
  const env = (database: TestDatabase) =>
    asInProduction({
      ...database.env,
      ...(database.env.DATABASE_SCHEMA
        ? { DATABASE_URL: `${database.env.DATABASE_URL}?application_name=${APPLICATION_NAME}` }
        : {}),
      AUTH_JWT_SECRET: SECRET,
      SCHEDULER: 'off',
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: '',
    });
  const instances = {
    sqlite: [await ServiceProcess.start(env(databases.sqlite))],
    postgres: [
      await ServiceProcess.start(env(databases.postgres), 20_000, POSTGRES_NODE_ARGS),
      await ServiceProcess.start(env(databases.postgres), 20_000, POSTGRES_NODE_ARGS),
    ],
    baseline: databases.baseline
      ? [await ServiceProcess.start(env(databases.baseline), 20_000, [], BASELINE_MAIN)]
      : [],
  };
  // Migrated by the baseline build as it started.
  if (databases.baseline) await seededAsMigrated(databases.baseline);
  const admin = openTestDatabase(databases.postgres);
  let backends: number[] = [];
  const refreshBackends = async () => {
    const { rows } = await admin.raw('SELECT pid FROM pg_stat_activity WHERE application_name = ?', [APPLICATION_NAME]);
    backends = (rows as Array<{ pid: number }>).map((row) => Number(row.pid));
  };
  const headers = {
    authorization: `Bearer ${await mintToken({ secret: SECRET, subject: 'bench', ttlSeconds: 3600 })}`,
  };
  const nextId = { sqlite: 1, postgres: 1, baseline: 1 };
  const seededTo = { sqlite: CAMPAIGNS, postgres: CAMPAIGNS, baseline: CAMPAIGNS };
  /** Seeds more campaigns when fewer than a run's worth at the fastest rate are left (outside the measured run). */
  const topUp = async (database: Setup['database']) => {
    const wanted = nextId[database] + DURATION_SECONDS * FASTEST_STARTS_PER_SECOND;
    if (seededTo[database] >= wanted) return;
    const db = openTestDatabase(databases[database]!);
    try {
      await seedScheduledCampaigns(db, seededTo[database] + 1, wanted - seededTo[database]);
    } finally {
      await db.destroy();
    }
    seededTo[database] = wanted;
  };
  const runs = new Map<string, Run[]>(SETUPS.map((setup) => [setup.label, []]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      // Every other round in reverse, so no setup always runs in the same place (right after SQLite's, say).
      for (const setup of round % 2 === 1 ? SETUPS : [...SETUPS].reverse()) {
        const targets = instances[setup.database].slice(0, setup.instances);
        await topUp(setup.database);
        await refreshBackends();
        const measured = await measuringCpu(
          { service: () => targets.map((instance) => instance.child.pid!), postgres: () => backends },
          async () => {
            const results = await Promise.all(
              targets.map((instance) =>
                load({
                  url: instance.url,
                  connections: CONNECTIONS / targets.length,
                  durationSeconds: DURATION_SECONDS,
                  headers,
                  pathOf: () => `/api/v1/campaigns/${nextId[setup.database]++}/start`,
                }),
              ),
            );
            await refreshBackends();
            return results;
          },
        );
        if (nextId[setup.database] > seededTo[setup.database])
          throw new Error(`ran out of seeded campaigns: more than ${FASTEST_STARTS_PER_SECOND} starts/s`);
        const run = combined(measured.result, measured.seconds, measured.machineBusy);
        runs.get(setup.label)!.push(run);
        process.stdout.write(
          `round ${round}: ${setup.label}: ${run.startsPerSecond.toFixed(0)} starts/s (p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, ` +
            `CPU per start: service ${run.cpuMsPerStart.toFixed(2)} ms, PostgreSQL ${run.postgresCpuMsPerStart.toFixed(2)} ms; ` +
            `machine ${(run.machineBusy * 100).toFixed(0)}% busy; failed ${run.failed})\n`,
        );
      }
    }
  } finally {
    await admin.destroy();
    await Promise.all(
      [...instances.sqlite, ...instances.postgres, ...instances.baseline].map((instance) => instance.stop()),
    );
    await Promise.all([databases.sqlite.drop(), databases.postgres.drop(), databases.baseline?.drop()]);
  }
  report(runs);
}

async function seeded(creating: Promise<TestDatabase>): Promise<TestDatabase> {
  const database = await creating;
  const db = openTestDatabase(database);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return seededAsMigrated(database);
}

async function seededAsMigrated(database: TestDatabase): Promise<TestDatabase> {
  const db = openTestDatabase(database);
  try {
    process.stdout.write(`seeding ${CAMPAIGNS} campaigns (${database.env.DATABASE_URL!.split(':')[0]})\n`);
    await seedScheduledCampaigns(db, 1, CAMPAIGNS);
  } finally {
    await db.destroy();
  }
  return database;
}

function combined(results: readonly LoadResult[], cpuSeconds: Record<string, number>, machineBusy: number): Run {
  const answered = results.reduce((sum, r) => sum + r.total, 0);
  return {
    startsPerSecond: results.reduce((sum, r) => sum + r.requestsPerSecond, 0),
    p50Ms: Math.max(...results.map((r) => r.p50Ms)),
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
    failed: results.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
    cpuMsPerStart: (cpuSeconds.service! * 1000) / answered,
    postgresCpuMsPerStart: (cpuSeconds.postgres! * 1000) / answered,
    machineBusy,
  };
}

function report(runs: Map<string, Run[]>): void {
  const m = (label: string, pick: (run: Run) => number) => median(runs.get(label)!.map(pick));
  const rps = (label: string) => m(label, (run) => run.startsPerSecond);
  const [sqlite, one, two, baseline] = SETUPS.map((setup) => setup.label) as [
    string,
    string,
    string,
    string | undefined,
  ];
  const cpuPerStart = (label: string) => m(label, (r) => r.cpuMsPerStart) + m(label, (r) => r.postgresCpuMsPerStart);
  const againstBaseline = baseline
    ? `\nAgainst the baseline build (BENCH_POSTGRES_BASELINE_MAIN, a schema of its own seeded the same, in turn in the same run): starts/s ` +
      `**${((rps(one) / rps(baseline)) * 100).toFixed(0)}%**, CPU per start (service and PostgreSQL together) ` +
      `${cpuPerStart(one).toFixed(2)} ms against ${cpuPerStart(baseline).toFixed(2)} ms: **${((cpuPerStart(one) / cpuPerStart(baseline)) * 100).toFixed(0)}%**.`
    : '';
  const scaling = rps(two) / rps(one);
  const failed = [...runs.values()].flat().reduce((sum, run) => sum + run.failed, 0);
  const table = [
    '| | starts/s (median) | p50 ms | p99 ms | CPU per start: service | CPU per start: PostgreSQL | machine busy |',
    '|---|---|---|---|---|---|---|',
    ...SETUPS.map(
      (setup) =>
        `| ${setup.label} | ${rps(setup.label).toFixed(0)} | ${m(setup.label, (r) => r.p50Ms)} | ${m(setup.label, (r) => r.p99Ms)} | ` +
        `${m(setup.label, (r) => r.cpuMsPerStart).toFixed(2)} ms | ` +
        `${setup.database !== 'sqlite' ? `${m(setup.label, (r) => r.postgresCpuMsPerStart).toFixed(2)} ms` : '–'} | ` +
        `${(m(setup.label, (r) => r.machineBusy) * 100).toFixed(0)}% |`,
    ),
  ].join('\n');
  const body = `${machineLine()}
\`npm run bench:postgres\` (bench/postgres-scale.ts): autocannon, ${CONNECTIONS} connections in all (split evenly over the
instances), ${DURATION_SECONDS} s per run, ${ROUNDS} rounds taking the ${SETUPS.length} setups in turn (every other round in reverse order); each instance is \`node dist/src/main.js\`
in its own process, every request starts a different pre-created scheduled campaign with a valid token, no broker
(events stay in the outbox). PostgreSQL, the instances and the load generator share the machine's cores. With two
instances, p50 and p99 are the worse of the two. CPU per start is the CPU time (user and system) of the service
processes, and of the PostgreSQL server processes serving their connections (found by the connections' application_name), divided by the starts answered; "machine busy" counts every core.
Shorter: BENCH_ROUNDS, BENCH_DURATION_SECONDS, BENCH_CAMPAIGNS; BENCH_POSTGRES_BASELINE_MAIN=<another build's
dist/src/main.js> runs that build as one more setup (on a schema of its own, seeded the same), BENCH_CPU_PROF_DIR=dir profiles this build's PostgreSQL instances.

${table}

Two instances / one instance on PostgreSQL: **${(scaling * 100).toFixed(0)}%**; one PostgreSQL instance / SQLite:
**${((rps(one) / rps(sqlite)) * 100).toFixed(0)}%**. Non-2xx answers or errors: ${failed}.
Every setup shares the same cores: where one instance already keeps the machine nearly busy, a second one on it
has no CPU to add. The CPU per start says what an instance and the database each need on machines of their own.${againstBaseline}
${loadAverage()}`;
  writeSection('Scale-out on PostgreSQL', body);
  printSummary({
    benchmark: '5. Starts on PostgreSQL, 2 instances',
    project: `${rps(two).toFixed(0)} starts/s`,
    baseline: `1 instance ${rps(one).toFixed(0)}/s; SQLite ${rps(sqlite).toFixed(0)}/s`,
    ratio: `${(scaling * 100).toFixed(0)}%`,
    target: 'reported',
    verdict: 'reported',
  });
  if (baseline) {
    printSummary({
      benchmark: '2. PostgreSQL CPU per start',
      project: `${cpuPerStart(one).toFixed(2)} ms, ${rps(one).toFixed(0)} starts/s`,
      baseline: `${cpuPerStart(baseline).toFixed(2)} ms, ${rps(baseline).toFixed(0)} starts/s`,
      ratio: `${((cpuPerStart(one) / cpuPerStart(baseline)) * 100).toFixed(0)}%`,
      target: '≤ 33% and ≥ 2,500 starts/s',
      verdict: cpuPerStart(one) / cpuPerStart(baseline) <= 1 / 3 && rps(one) >= 2500 ? 'met' : 'missed',
    });
  }
  process.stdout.write(`${againstBaseline}\n`);
  process.stdout.write(`\n${table}\n2 instances / 1 instance: ${(scaling * 100).toFixed(0)}%\n`);
}

await main();
