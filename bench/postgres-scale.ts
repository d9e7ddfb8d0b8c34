import { mintToken } from '../src/adapters/auth/token-minter.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { openTestDatabase, POSTGRES, SQLITE, type TestDatabase } from '../test/support/databases.js';
import { ServiceProcess } from '../test/support/service-process.js';
import { measuringCpu, processesNamed } from './support/cpu-usage.js';
import { load, type LoadResult } from './support/load.js';
import { machineLine, median, printSummary, writeSection } from './support/performance-report.js';
import { seedScheduledCampaigns } from './support/seed.js';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256-000000';
const CONNECTIONS = 50;
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Scheduled campaigns seeded in each database; every start request takes a fresh one. */
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 300_000);

interface Setup {
  label: string;
  database: 'sqlite' | 'postgres';
  instances: number;
}

const SETUPS: readonly Setup[] = [
  { label: 'SQLite, 1 instance', database: 'sqlite', instances: 1 },
  { label: 'PostgreSQL, 1 instance', database: 'postgres', instances: 1 },
  { label: 'PostgreSQL, 2 instances', database: 'postgres', instances: 2 },
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
  const databases = { sqlite: await seeded(SQLITE.create()), postgres: await seeded(POSTGRES.create()) };
  // KAFKA_BROKERS empty: no relay, even when `npm run bench` started a broker for the other benchmarks.
  const env = (database: TestDatabase) => ({ ...database.env, AUTH_JWT_SECRET: SECRET, SCHEDULER: 'off', LOG_LEVEL: 'info', KAFKA_BROKERS: '' });
  const instances = {
    sqlite: [await ServiceProcess.start(env(databases.sqlite))],
    postgres: [await ServiceProcess.start(env(databases.postgres)), await ServiceProcess.start(env(databases.postgres))],
  };
  const headers = { authorization: `Bearer ${await mintToken({ secret: SECRET, subject: 'bench', ttlSeconds: 3600 })}` };
  const nextId = { sqlite: 1, postgres: 1 };
  const runs = new Map<string, Run[]>(SETUPS.map((setup) => [setup.label, []]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const setup of SETUPS) {
        const targets = instances[setup.database].slice(0, setup.instances);
        const measured = await measuringCpu(
          { service: () => targets.map((instance) => instance.child.pid!), postgres: () => processesNamed('postgres') },
          () =>
            Promise.all(
              targets.map((instance) =>
                load({
                  url: instance.url,
                  connections: CONNECTIONS / targets.length,
                  durationSeconds: DURATION_SECONDS,
                  headers,
                  pathOf: () => `/api/v1/campaigns/${nextId[setup.database]++}/start`,
                }),
              ),
            ),
        );
        if (nextId[setup.database] > CAMPAIGNS) throw new Error(`ran out of seeded campaigns: raise BENCH_CAMPAIGNS above ${CAMPAIGNS}`);
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
    await Promise.all([...instances.sqlite, ...instances.postgres].map((instance) => instance.stop()));
    await Promise.all([databases.sqlite.drop(), databases.postgres.drop()]);
  }
  report(runs);
}

async function seeded(creating: Promise<TestDatabase>): Promise<TestDatabase> {
  const database = await creating;
  const db = openTestDatabase(database);
  try {
    await migrateToLatest(db);
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
  const [sqlite, one, two] = SETUPS.map((setup) => setup.label) as [string, string, string];
  const scaling = rps(two) / rps(one);
  const failed = [...runs.values()].flat().reduce((sum, run) => sum + run.failed, 0);
  const table = [
    '| | starts/s (median) | p50 ms | p99 ms | CPU per start: service | CPU per start: PostgreSQL | machine busy |',
    '|---|---|---|---|---|---|---|',
    ...SETUPS.map(
      (setup) =>
        `| ${setup.label} | ${rps(setup.label).toFixed(0)} | ${m(setup.label, (r) => r.p50Ms)} | ${m(setup.label, (r) => r.p99Ms)} | ` +
        `${m(setup.label, (r) => r.cpuMsPerStart).toFixed(2)} ms | ` +
        `${setup.database === 'postgres' ? `${m(setup.label, (r) => r.postgresCpuMsPerStart).toFixed(2)} ms` : '–'} | ` +
        `${(m(setup.label, (r) => r.machineBusy) * 100).toFixed(0)}% |`,
    ),
  ].join('\n');
  const body = `${machineLine()}
\`npm run bench:postgres\` (bench/postgres-scale.ts): autocannon, ${CONNECTIONS} connections in all (split evenly over the
instances), ${DURATION_SECONDS} s per run, ${ROUNDS} rounds taking the three setups in turn; each instance is \`node dist/src/main.js\`
in its own process, every request starts a different pre-created scheduled campaign with a valid token, no broker
(events stay in the outbox). PostgreSQL, the instances and the load generator share the machine's cores. With two
instances, p50 and p99 are the worse of the two. CPU per start is the CPU time (user and system) of the service
processes, and of the PostgreSQL server's processes, divided by the starts answered; "machine busy" counts every core.

${table}

Two instances / one instance on PostgreSQL: **${(scaling * 100).toFixed(0)}%**; one PostgreSQL instance / SQLite:
**${((rps(one) / rps(sqlite)) * 100).toFixed(0)}%**. Non-2xx answers or errors: ${failed}.
Every setup shares the same cores: where one instance already keeps the machine nearly busy, a second one on it
has no CPU to add. The CPU per start says what an instance and the database each need on machines of their own.`;
  writeSection('Scale-out on PostgreSQL', body);
  printSummary({
    benchmark: '5. Starts on PostgreSQL, 2 instances',
    project: `${rps(two).toFixed(0)} starts/s`,
    baseline: `1 instance ${rps(one).toFixed(0)}/s; SQLite ${rps(sqlite).toFixed(0)}/s`,
    ratio: `${(scaling * 100).toFixed(0)}%`,
    target: 'reported',
    verdict: 'reported',
  });
  process.stdout.write(`\n${table}\n2 instances / 1 instance: ${(scaling * 100).toFixed(0)}%\n`);
}

await main();
