import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import kafkajs from 'kafkajs';
import type { Knex } from 'knex';
import { mintToken } from '../src/adapters/auth/token-minter.js';
import { KAFKAJS_RETRY } from '../src/adapters/messaging/kafka-client.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { type DatabaseKind, openTestDatabase, POSTGRES, SQLITE } from '../test/support/databases.js';
import { LocalKafkaBroker } from '../test/support/local-kafka-broker.js';
import { ServiceProcess } from '../test/support/service-process.js';
import { messagesOnTopic } from '../test/support/topic-reader.js';
import { AutovacuumEmulation, type MaintenanceRun } from './support/autovacuum-emulation.js';
import { type BareKoa, startBareKoa } from './support/bare-koa-process.js';
import { cpuProfileArgs } from './support/cpu-profile.js';
import { machineCpuTicks, mainThreadWaitingSeconds, processCpuSeconds } from './support/cpu-usage.js';
import { DiskSyncProbe } from './support/disk-sync-probe.js';
import { loadAverage } from './support/machine-load.js';
import { machineLine, percentile, printSummary, writeSection } from './support/performance-report.js';
import { type PostgresWindow, PostgresWindowStats } from './support/postgres-window-stats.js';
import { asInProduction } from './support/production.js';
import { seedScheduledCampaigns } from './support/seed.js';
import { seedStoreHistory } from './support/store-history.js';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256-000000';
const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const WINDOW_SECONDS = Number(process.env.BENCH_SOAK_WINDOW_SECONDS ?? 60);
const SCALE = Number(process.env.BENCH_SOAK_SCALE ?? 1);
const DATABASES = (process.env.BENCH_SOAK_DATABASES ?? 'SQLite,PostgreSQL').split(',');
/** How often the bench scrapes `/metrics`, as Prometheus would. */
const SCRAPE_SECONDS = Number(process.env.BENCH_SOAK_SCRAPE_SECONDS ?? 15);
/** With a broker (the default) the service's relay publishes as it runs; BENCH_SOAK_KAFKA=off leaves it out. */
const WITH_BROKER = process.env.BENCH_SOAK_KAFKA !== 'off';
/**
 * BENCH_SOAK_HISTORY=n: the store has been running before the traffic: n more campaigns in every status and n events
 * already published in the outbox (bench/support/store-history.ts). None by default: the soak's store grows from
 * the seeded campaigns alone, the harder case for a window's p99, since it grows by more of itself.
 */
const HISTORY = Number(process.env.BENCH_SOAK_HISTORY ?? 0);
/** How long the relay gets, after the traffic, to publish what is left before the events are counted. */
const DRAIN_SECONDS = 120;

/** Requests per second of each kind at BENCH_SOAK_SCALE=1. */
const RATES = {
  create: 200,
  start: 200,
  get: 50,
  'list first page': 20,
  'list deep page': 20,
  pause: 20,
  resume: 20,
  delete: 10,
} as const;
type Kind = keyof typeof RATES;
const KINDS = Object.keys(RATES) as Kind[];
/**
 * Starts a second to bare Koa beside the service (bench/servers/bare-koa.ts), through the same pacer: the baseline,
 * whose p99 moves only with what the machine runs beside it and with the pacer.
 */
const BASELINE_RATE = 50;

interface Answer {
  sentAt: number;
  ms: number;
  /** The answer's HTTP status; 0 when the call failed without one (refused, reset, timed out). */
  status: number;
}

interface Sample extends Answer {
  kind: Kind;
}

/** SQLite's commits so far (`sqlite_commit_duration_seconds`): how many, how long in all, how many past 50 ms. */
interface CommitTotals {
  count: number;
  seconds: number;
  over50ms: number;
}

interface Soak {
  database: string;
  samples: Sample[];
  /** The baseline's answers: bare Koa on the same machine, paced beside the service's traffic. */
  baseline: Answer[];
  rssMb: number[];
  /** The service's CPU seconds (user and system) at the end of each window. */
  cpuSeconds: number[];
  /** How busy the machine's cores were in each window, 0 to 1 (everything on it: service, database, broker, pacer). */
  machineBusy: number[];
  /**
   * Seconds the service's and the pacer's main threads spent runnable but waiting for a core in each window: a
   * request waits that long for its thread whatever it costs.
   */
  waitingForCore: Array<{ service: number; pacer: number }>;
  /** Each scrape of `/metrics`: when it was sent, how long it took and the outbox backlog it gave. */
  scrapes: Array<{
    sentAt: number;
    ms: number;
    backlog: number;
    serviceLoopMaxMs: number;
    commits: CommitTotals;
    /** The relay's sends to the broker and the events they carried, so far. */
    relay: { sends: number; events: number };
  }>;
  /** The pacer's own event-loop delay per window, p99 and largest, in ms: how late it could have seen an answer. */
  pacerLoopDelay: Array<{ p99: number; max: number }>;
  /** The disk's own sync latency per window, p99 and largest, in ms, timed beside the service (DiskSyncProbe). */
  diskSync: Array<{ p99: number; max: number }>;
  /** With a broker: the events the outbox holds, and the messages on the topic once the relay was given time. */
  events?: { written: number; onTopic: number; drainSeconds: number };
  maintenance: string;
  /** What autovacuum would have run, as the bench ran it: when each began (seconds into the traffic). */
  maintenanceRuns: MaintenanceRun[];
  /** PostgreSQL only: its shared buffers, and its buffer reads and the service's data size per window. */
  postgres?: { sharedBuffers: string; windows: PostgresWindow[] };
}

/**
 * Mixed traffic at a fixed rate (an open-loop pacer: each request leaves at its due time whatever the answers
 * before it) against the service as operators run it, minute by minute, on each database in turn.
 */
async function main(): Promise<void> {
  const broker = WITH_BROKER && !process.env.KAFKA_BROKERS ? await LocalKafkaBroker.launch() : undefined;
  const brokers = WITH_BROKER ? process.env.KAFKA_BROKERS || broker!.brokers : undefined;
  const soaks: Soak[] = [];
  try {
    for (const kind of [SQLITE, POSTGRES].filter((k) => DATABASES.includes(k.name)))
      soaks.push(await soak(kind, brokers));
  } finally {
    await broker?.remove();
  }
  report(soaks);
}

async function soak(kind: DatabaseKind, brokers: string | undefined): Promise<Soak> {
  const database = await kind.create();
  const db = openTestDatabase(database);
  const seeded = Math.ceil(RATES.start * SCALE * SECONDS * 1.1) + 1000;
  await migrateToLatest(db);
  process.stdout.write(`${kind.name}: seeding ${seeded} scheduled campaigns\n`);
  await seedScheduledCampaigns(db, 1, seeded);
  if (HISTORY > 0) {
    process.stdout.write(`${kind.name}: seeding a history of ${HISTORY} campaigns and their published events\n`);
    await seedStoreHistory(db, seeded + 1, HISTORY);
  }
  const maintenance = kind === POSTGRES ? await AutovacuumEmulation.open(db, SERVICE_TABLES) : undefined;
  await maintenance?.settle();
  const postgresStats = kind === POSTGRES ? new PostgresWindowStats(db) : undefined;
  const topic = `bench.soak.${randomUUID().slice(0, 8)}`;
  const service = await ServiceProcess.start(
    asInProduction({
      ...database.env,
      AUTH_JWT_SECRET: SECRET,
      SCHEDULER: 'off',
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: brokers ?? '',
      KAFKA_TOPIC: topic,
    }),
    20_000,
    // BENCH_CPU_PROF_DIR=dir: the service writes a CPU profile there when it stops.
    cpuProfileArgs(),
  );
  const token = await mintToken({ secret: SECRET, subject: 'bench', ttlSeconds: SECONDS + 3600 });
  const client = new SoakClient(service.url, token);
  const result: Soak = {
    database: kind.name,
    samples: [],
    baseline: [],
    rssMb: [],
    cpuSeconds: [],
    machineBusy: [],
    waitingForCore: [],
    scrapes: [],
    pacerLoopDelay: [],
    diskSync: [],
    maintenance: maintenance ? maintenanceDescription(maintenance) : 'SQLite needs none',
    maintenanceRuns: [],
    ...(postgresStats ? { postgres: { sharedBuffers: await postgresStats.sharedBuffers(), windows: [] } } : {}),
  };
  /** When the traffic began (`performance.now()`). */
  let began: number | undefined;
  let bare: BareKoa | undefined;
  let bareClient: SoakClient | undefined;
  try {
    bare = await startBareKoa();
    bareClient = new SoakClient(bare.url, token);
    maintenance?.start();
    began = await pace(client, bareClient, result, seeded + HISTORY, service.child.pid!, postgresStats);
    if (brokers !== undefined) result.events = await publishedEvents(client, db, brokers, topic);
  } finally {
    await maintenance?.stop();
    const trafficBegan = began;
    if (trafficBegan !== undefined)
      result.maintenanceRuns = (maintenance?.runs ?? []).map((run) => ({
        ...run,
        began: (run.began - trafficBegan) / 1000,
      }));
    client.close();
    bareClient?.close();
    bare?.stop();
    await service.stop();
    await db.destroy();
    await database.drop();
  }
  return result;
}

/** The service's tables, each of which autovacuum would visit. */
const SERVICE_TABLES = [
  'campaigns',
  'campaign_buckets',
  'campaign_bucket_groups',
  'outbox',
  'outbox_waiting',
  'idempotency_keys',
];

/** How the soak maintains PostgreSQL, in the words its section prints. */
function maintenanceDescription(emulation: AutovacuumEmulation): string {
  const s = emulation.settings;
  return `the server's autovacuum is ${emulation.serverAutovacuum}; the bench vacuums and analyzes the seeded tables before the traffic, then every ${emulation.naptimeSeconds} s (\`autovacuum_naptime\`) runs on each table what autovacuum would by the server's thresholds (vacuum past ${s.vacuumThreshold} + ${s.vacuumScaleFactor} × rows dead or ${s.insertThreshold} + ${s.insertScaleFactor} × rows inserted, analyze past ${s.analyzeThreshold} + ${s.analyzeScaleFactor} × rows changed), paced as autovacuum is (cost delay ${emulation.costDelay}, cost limit ${emulation.costLimit})`;
}

/** Sends the traffic for SECONDS; resolves with when it began (`performance.now()`). */
async function pace(
  client: SoakClient,
  bareClient: SoakClient,
  soak: Soak,
  stored: number,
  pid: number,
  postgresStats?: PostgresWindowStats,
): Promise<number> {
  await postgresStats?.begin();
  const began = performance.now();
  const sent = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  const created: string[] = [];
  const started: number[] = [];
  const paused: number[] = [];
  let nextSeeded = 1;
  let total = stored;
  const inFlight = new Set<Promise<void>>();
  /** Sends one request now and records its answer (status 0 when the call failed); `after` sees a 200's body. */
  const timed = (
    call: () => Promise<{ status: number; text: string }>,
    record: (answer: Answer) => void,
    after?: (text: string) => void,
  ) => {
    const sentAt = performance.now();
    const answered = (status: number) => record({ sentAt: sentAt - began, ms: performance.now() - sentAt, status });
    const done = call()
      .then(({ status, text }) => {
        answered(status);
        if (status === 200) after?.(text);
      })
      .catch(() => answered(0))
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  const send = (kind: Kind, method: 'GET' | 'POST', path: string, body?: string, after?: (text: string) => void) =>
    timed(
      () => client.call(method, path, body),
      (answer) => soak.samples.push({ kind, ...answer }),
      after,
    );
  let baselineSent = 0;
  const sendToBaseline = () =>
    timed(
      () => bareClient.call('POST', `/api/v1/campaigns/${++baselineSent}/start`),
      (answer) => soak.baseline.push(answer),
    );
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const issue: Record<Kind, () => void> = {
    create: () =>
      send(
        'create',
        'POST',
        '/api/v1/campaigns',
        JSON.stringify({ name: 'Soak', startAt: inDays(1), endAt: inDays(2) }),
        (text) => {
          created.push(String(JSON.parse(text).id));
          total++;
        },
      ),
    start: () => {
      const id = nextSeeded++;
      send('start', 'POST', `/api/v1/campaigns/${id}/start`, undefined, () => started.push(id));
    },
    get: () => send('get', 'GET', `/api/v1/campaigns/${1 + Math.floor(Math.random() * stored)}`),
    'list first page': () => send('list first page', 'GET', '/api/v1/campaigns?start=0&pageSize=10'),
    'list deep page': () =>
      send('list deep page', 'GET', `/api/v1/campaigns?start=${Math.floor(Math.random() * (total - 10))}&pageSize=10`),
    pause: () => {
      const id = started.shift();
      if (id !== undefined) send('pause', 'POST', `/api/v1/campaigns/${id}/pause`, undefined, () => paused.push(id));
    },
    resume: () => {
      const id = paused.shift();
      if (id !== undefined) send('resume', 'POST', `/api/v1/campaigns/${id}/resume`);
    },
    delete: () => {
      const id = created.shift();
      if (id !== undefined) send('delete', 'POST', `/api/v1/campaigns/${id}/delete`, undefined, () => total--);
    },
  };
  let nextWindow = WINDOW_SECONDS;
  let nextScrape = SCRAPE_SECONDS;
  const cpuAtStart = processCpuSeconds(pid);
  let machineAtWindowStart = machineCpuTicks();
  const waitingNow = () => ({ service: mainThreadWaitingSeconds(pid), pacer: mainThreadWaitingSeconds(process.pid) });
  let waitingAtWindowStart = waitingNow();
  const pacerLoop = monitorEventLoopDelay({ resolution: 1 });
  const diskSync = new DiskSyncProbe();
  /** The windows' PostgreSQL figures, read one after the other off the pacer's way. */
  let postgresWindows = Promise.resolve();
  let windowsClosed = 0;
  const closeWindow = () => {
    const index = windowsClosed++;
    if (postgresStats && soak.postgres) {
      const windows = soak.postgres.windows;
      postgresWindows = postgresWindows.then(async () => {
        windows[index] = await postgresStats.take();
      });
    }
    soak.rssMb.push(rssMb(pid));
    soak.cpuSeconds.push(processCpuSeconds(pid) - cpuAtStart);
    const machine = machineCpuTicks();
    soak.machineBusy.push((machine.busy - machineAtWindowStart.busy) / (machine.total - machineAtWindowStart.total));
    machineAtWindowStart = machine;
    const waiting = waitingNow();
    soak.waitingForCore.push({
      service: waiting.service - waitingAtWindowStart.service,
      pacer: waiting.pacer - waitingAtWindowStart.pacer,
    });
    waitingAtWindowStart = waiting;
    soak.pacerLoopDelay.push({ p99: pacerLoop.percentile(99) / 1e6, max: pacerLoop.max / 1e6 });
    pacerLoop.reset();
    soak.diskSync.push(diskSync.takeWindow());
  };
  pacerLoop.enable();
  await new Promise<void>((resolveDone) => {
    const tick = setInterval(() => {
      const elapsed = (performance.now() - began) / 1000;
      if (elapsed >= SECONDS) {
        clearInterval(tick);
        resolveDone();
        return;
      }
      if (elapsed >= nextWindow) {
        closeWindow();
        nextWindow += WINDOW_SECONDS;
      }
      if (elapsed >= nextScrape) {
        nextScrape += SCRAPE_SECONDS;
        const sentAt = performance.now();
        const scraped = (answer?: { text: string }) => {
          const backlog = gauge(answer?.text, 'outbox_backlog_events');
          const serviceLoopMaxMs = gauge(answer?.text, 'nodejs_eventloop_lag_max_seconds') * 1000;
          const commits = commitTotals(answer?.text);
          const relay = {
            sends: gauge(answer?.text, 'outbox_relay_publish_duration_seconds_count'),
            events: gauge(answer?.text, 'outbox_relay_published_events_total'),
          };
          soak.scrapes.push({
            sentAt: sentAt - began,
            ms: performance.now() - sentAt,
            backlog,
            serviceLoopMaxMs,
            commits,
            relay,
          });
        };
        const done = client.call('GET', '/metrics').then(scraped, () => scraped());
        inFlight.add(done);
        void done.finally(() => inFlight.delete(done));
      }
      for (const kind of KINDS) {
        const due = Math.floor(elapsed * RATES[kind] * SCALE);
        while (sent[kind] < due) {
          sent[kind]++;
          issue[kind]();
        }
      }
      while (baselineSent < Math.floor(elapsed * BASELINE_RATE)) sendToBaseline();
    }, 5);
  });
  closeWindow();
  pacerLoop.disable();
  await Promise.all([...inFlight, diskSync.stop(), postgresWindows]);
  return began;
}

/**
 * SQLite's commits between the last scrape of the window before and the last one of this window: how many, the time
 * they held the service's event loop, and how many took over 50 ms. Empty on PostgreSQL, which commits off the loop.
 */
function commitsInWindows(soak: Soak, windows: number, inWindow: (sentAt: number, w: number) => boolean): string {
  const figures = countersBetweenScrapes(
    soak,
    windows,
    inWindow,
    (scrape) => scrape.commits,
    (totals) => totals.count,
    (end, start) =>
      `${end.count - start.count}/${(end.seconds - start.seconds).toFixed(1)} s/${end.over50ms - start.over50ms}`,
  );
  if (figures === undefined) return '';
  return `\nSQLite's commits (\`sqlite_commit_duration_seconds\`: each holds the event loop for its WAL writes and fsync) per window (up to its last scrape from the one before): how many / their time in all / how many took over 50 ms: ${figures.join(', ')}.`;
}

/**
 * The relay's sends to the broker between the last scrape of the window before and the last one of this window: how
 * many, and how many events each carried on average. Empty without a broker.
 */
function relaySendsInWindows(soak: Soak, windows: number, inWindow: (sentAt: number, w: number) => boolean): string {
  const figures = countersBetweenScrapes(
    soak,
    windows,
    inWindow,
    (scrape) => scrape.relay,
    (totals) => totals.sends,
    (end, start) => {
      const sends = end.sends - start.sends;
      return `${sends}/${sends === 0 ? '–' : ((end.events - start.events) / sends).toFixed(2)}`;
    },
  );
  if (figures === undefined) return '';
  return `\nThe relay's acknowledged sends (\`outbox_relay_publish_duration_seconds_count\`: one per batch, a partition's) per window (up to its last scrape from the one before): how many / events per send: ${figures.join(', ')}.`;
}

/**
 * Counters of the service's `/metrics`, per window: `describe` is given their values at the window's last answered
 * scrape and at the one before (zero before the first window), and a dash stands for a window without one. Undefined
 * when the counter `count` reads stayed at zero through the run (the service keeps none of them).
 */
function countersBetweenScrapes<T extends { [K in keyof T]: number }>(
  soak: Soak,
  windows: number,
  inWindow: (sentAt: number, w: number) => boolean,
  totals: (scrape: Soak['scrapes'][number]) => T,
  count: (totals: T) => number,
  describe: (end: T, start: T) => string,
): string[] | undefined {
  // A scrape that got no answer reads NaN, which is never >= 0.
  const atEnd = (w: number) => {
    const scrape = soak.scrapes.filter((s) => inWindow(s.sentAt, w) && count(totals(s)) >= 0).at(-1);
    return scrape === undefined ? undefined : totals(scrape);
  };
  const ends = Array.from({ length: windows }, (_, w) => atEnd(w));
  const last = ends.at(-1);
  if (!(last !== undefined && count(last) > 0)) return undefined;
  const zero = Object.fromEntries(Object.keys(last).map((key) => [key, 0])) as T;
  return ends.map((end, w) => {
    const start = w === 0 ? zero : ends[w - 1];
    return end === undefined || start === undefined ? '–' : describe(end, start);
  });
}

/** A gauge of a `/metrics` answer (NaN when there was no answer or no such line). */
function gauge(metrics: string | undefined, name: string): number {
  const line = metrics?.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
}

function commitTotals(metrics: string | undefined): CommitTotals {
  const count = gauge(metrics, 'sqlite_commit_duration_seconds_count');
  return {
    count,
    seconds: gauge(metrics, 'sqlite_commit_duration_seconds_sum'),
    over50ms: count - gauge(metrics, 'sqlite_commit_duration_seconds_bucket{le="0.05"}'),
  };
}

/**
 * Waits, after the traffic, until the relay reports an empty outbox backlog (at most DRAIN_SECONDS), then counts the
 * events the outbox holds and the messages on the topic: equal when every event went out once.
 */
async function publishedEvents(
  client: SoakClient,
  db: Knex,
  brokers: string,
  topic: string,
): Promise<NonNullable<Soak['events']>> {
  const began = performance.now();
  while ((performance.now() - began) / 1000 < DRAIN_SECONDS) {
    const backlog = gauge((await client.call('GET', '/metrics')).text, 'outbox_backlog_events');
    if (backlog === 0) break;
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
  }
  const drainSeconds = (performance.now() - began) / 1000;
  // The history's events were published before the soak, to no topic: only the rows written since count.
  const [row] = await db('outbox').count({ n: '*' });
  const kafka = new kafkajs.Kafka({
    clientId: 'bench-soak',
    brokers: brokers.split(','),
    logLevel: kafkajs.logLevel.NOTHING,
    retry: KAFKAJS_RETRY,
  });
  return { written: Number(row?.n) - HISTORY, onTopic: await messagesOnTopic(kafka, topic), drainSeconds };
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

class SoakClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly url: URL;

  constructor(
    url: string,
    private readonly token: string,
  ) {
    this.url = new URL(url);
  }

  call(method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; text: string }> {
    return new Promise((resolveCall, reject) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${this.token}`,
        'content-length': String(Buffer.byteLength(body ?? '')),
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const req = request(
        { agent: this.agent, host: this.url.hostname, port: this.url.port, method, path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('end', () => resolveCall({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * On PostgreSQL, the data's size, the server's buffer reads and its CPU per request per window, and the maintenance
 * autovacuum would have run: a p99 that grows with the data, once it outgrows the shared buffers, with what the server
 * spends, or that rises with a VACUUM or an ANALYZE, shows beside them.
 */
function postgresLines(soak: Soak, requestsIn: (window: number) => number): string {
  if (soak.postgres === undefined) return '';
  const { sharedBuffers, windows } = soak.postgres;
  const cpu = windows.map((w, index) => ((w.cpuSeconds * 1000) / requestsIn(index)).toFixed(3)).join(', ');
  const sizes = windows.map((w) => w.sizeMb.toFixed(0)).join(', ');
  const reads = windows.map((w) => `${w.blocksRead}/${w.blocksHit}`).join(', ');
  const marks = windows.map((w) => `${w.outboxUpdatesInPlace}/${w.outboxUpdates}`).join(', ');
  const runs = soak.maintenanceRuns
    .map((run) => {
      const work = run.vacuum ? (run.analyze ? 'VACUUM (ANALYZE)' : 'VACUUM') : 'ANALYZE';
      return `${run.began.toFixed(0)} s ${work} ${run.table} (${run.seconds.toFixed(1)} s)`;
    })
    .join(', ');
  return `The service's tables and indexes at the end of each window: ${sizes} MB (the server's \`shared_buffers\`: ${sharedBuffers}).
PostgreSQL's blocks read from outside its shared buffers / found in them, per window: ${reads}.
The outbox's updates (the relay's marks) made in place, as HOT updates, / in all, per window: ${marks}.
PostgreSQL's CPU per request (the user and system time of the server's processes, VACUUM's included, in the window over the requests sent in it) per window: ${cpu} ms.
What autovacuum would have run, as the bench ran it, when each began in the traffic (how long it took): ${runs || 'nothing'}.
`;
}

/** Requests not answered 200, counted by kind and status: `pause 409 ×2, start failed ×1`. */
function byKindAndStatus(unanswered: Sample[]): string {
  const counts = new Map<string, number>();
  for (const { kind, status } of unanswered) {
    const key = `${kind} ${status === 0 ? 'failed' : status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${key} ×${count}`).join(', ');
}

function report(soaks: Soak[]): void {
  const windows = Math.floor(SECONDS / WINDOW_SECONDS);
  const sections: string[] = [];
  for (const soak of soaks) {
    const inWindow = (sentAt: number, window: number) => Math.floor(sentAt / 1000 / WINDOW_SECONDS) === window;
    const p99Of = (answers: Answer[], window: number) =>
      percentile(
        answers.filter((s) => inWindow(s.sentAt, window)).map((s) => s.ms),
        0.99,
      );
    const p99 = (kind: Kind, window: number) =>
      p99Of(
        soak.samples.filter((s) => s.kind === kind),
        window,
      );
    const row = (label: string, p99In: (window: number) => number) =>
      `| ${label} | ${Array.from({ length: windows }, (_, w) => p99In(w).toFixed(1)).join(' | ')} | ${((p99In(windows - 1) / p99In(1)) * 100).toFixed(0)}% |`;
    const header = `| | ${Array.from({ length: windows }, (_, w) => `${w + 1}`).join(' | ')} | last / second |`;
    const rows = KINDS.map((kind) => row(kind, (w) => p99(kind, w)));
    const baselineRow = row(`*bare Koa beside it, ${BASELINE_RATE}/s (baseline)*`, (w) => p99Of(soak.baseline, w));
    const worst = Math.max(...KINDS.map((kind) => p99(kind, windows - 1) / p99(kind, 1)));
    const baselineRatio = p99Of(soak.baseline, windows - 1) / p99Of(soak.baseline, 1);
    const baselineUnanswered = soak.baseline.filter((s) => s.status !== 200).length;
    const unanswered = soak.samples.filter((s) => s.status !== 200);
    const failed = unanswered.length;
    const requestsIn = (w: number) => soak.samples.filter((s) => inWindow(s.sentAt, w)).length;
    const cpuPerRequest = Array.from({ length: windows }, (_, w) => {
      const cpu = (soak.cpuSeconds[w] ?? Number.NaN) - (w === 0 ? 0 : (soak.cpuSeconds[w - 1] ?? Number.NaN));
      return ((cpu * 1000) / requestsIn(w)).toFixed(3);
    });
    const machineBusy = soak.machineBusy.map((busy) => (busy * 100).toFixed(0));
    const waitingForCore = soak.waitingForCore.map(({ service, pacer }) => `${service.toFixed(1)}/${pacer.toFixed(1)}`);
    /** The largest of a figure over the window's scrapes; a dash for a window no scrape fell in. */
    const largestPerWindow = (figure: (scrape: Soak['scrapes'][number]) => number, digits: number) =>
      Array.from({ length: windows }, (_, w) => {
        const figures = soak.scrapes.filter((s) => inWindow(s.sentAt, w)).map(figure);
        return figures.length === 0 ? '–' : Math.max(...figures).toFixed(digits);
      });
    const slowestScrape = largestPerWindow((s) => s.ms, 1);
    const largestBacklog = largestPerWindow((s) => s.backlog, 0);
    const serviceLoopMax = largestPerWindow((s) => s.serviceLoopMaxMs, 1);
    const commitsPerWindow = commitsInWindows(soak, windows, inWindow);
    const relaySends = relaySendsInWindows(soak, windows, inWindow);
    const pacerLoop = soak.pacerLoopDelay.map(({ p99, max }) => `${p99.toFixed(1)}/${max.toFixed(1)}`);
    const diskSync = soak.diskSync.map(({ p99, max }) => `${p99.toFixed(1)}/${max.toFixed(1)}`);
    const events =
      soak.events === undefined
        ? 'No broker: the events stayed in the outbox.'
        : `Events written to the outbox: ${soak.events.written}; messages on the topic ${soak.events.drainSeconds.toFixed(1)} s after the traffic: ${soak.events.onTopic} (${soak.events.onTopic === soak.events.written ? 'every event once' : 'NOT every event once'}).`;
    sections.push(`**${soak.database}** (${soak.maintenance}). p99 ms per ${WINDOW_SECONDS}-second window:

${header}
|---|${Array.from({ length: windows }, () => '---').join('|')}|---|
${rows.join('\n')}
${baselineRow}

The baseline: bare Koa and @koa/router (bench/servers/bare-koa.ts) in a process of its own on the same machine, sent a start's request ${BASELINE_RATE} times a second by the same pacer through the whole run (${soak.baseline.length} requests, non-200 or failed: ${baselineUnanswered}). It does no work of its own, so its p99 moves only with what the machine runs beside it (the service, its database and broker included) and with the pacer: last / second window **${(baselineRatio * 100).toFixed(0)}%**.
Requests answered: ${soak.samples.length - failed}, non-200 or failed: ${failed}${failed === 0 ? '' : ` (${byKindAndStatus(unanswered)})`}. Service memory (RSS) per window: ${soak.rssMb.map((m) => m.toFixed(0)).join(', ')} MB.
Service CPU per request (its user and system time in the window over the requests sent in it) per window: ${cpuPerRequest.join(', ')} ms.
The machine's cores busy per window (everything on it: the service, its database, the broker, the pacer): ${machineBusy.join(', ')}%.
Seconds the service's / the pacer's main thread waited for a core (runnable, not running: the scheduler's run-queue wait, \`/proc/<pid>/schedstat\`) per ${WINDOW_SECONDS}-second window: ${waitingForCore.join(', ')}.
Slowest \`/metrics\` scrape (one every ${SCRAPE_SECONDS} s, the outbox backlog included) per window: ${slowestScrape.join(', ')} ms.
Largest outbox backlog a scrape saw per window: ${largestBacklog.join(', ')} events. ${events}${relaySends}
The service's longest event-loop delay (\`nodejs_eventloop_lag_max_seconds\`, over the ${SCRAPE_SECONDS} s before each scrape) per window: ${serviceLoopMax.join(', ')} ms.
The pacer's own event-loop delay (p99/largest; an answer that arrived while its loop was held counts that long) per window: ${pacerLoop.join(', ')} ms.${commitsPerWindow}
The disk's own sync beside the service (8 KiB written and \`fdatasync\`ed every 100 ms in the databases' temporary directory, off the pacer's loop), p99/largest per window: ${diskSync.join(', ')} ms.
${postgresLines(soak, requestsIn)}Worst last / second window p99: ${(worst * 100).toFixed(0)}% (target ≤ 120%: ${worst <= 1.2 ? 'met' : 'missed'}).`);
    printSummary({
      benchmark: `soak (${soak.database})`,
      project: `last window p99 ${(worst * 100).toFixed(0)}% of the second`,
      baseline: `the second window; bare Koa beside it ${(baselineRatio * 100).toFixed(0)}%`,
      ratio: `${(worst * 100).toFixed(0)}%`,
      target: '≤ 120%',
      verdict: worst <= 1.2 ? 'met' : 'missed',
    });
  }
  const mix = KINDS.map((k) => `${k} ${RATES[k] * SCALE}/s`).join(', ');
  writeSection(
    'Soak: flat over time',
    `\`npm run bench:soak\` (bench/soak.ts): the service as operators run it (\`node dist/src/main.js\`, scheduler off, ${WITH_BROKER ? 'its relay publishing to a local broker, a topic of its own per database' : 'no broker (BENCH_SOAK_KAFKA=off): the events stay in the outbox'}) under mixed traffic from an open-loop pacer (each request leaves at its due time,
keep-alive connections): ${mix}; a deep page starts at a random position in the whole store; \`/metrics\` is scraped every
${SCRAPE_SECONDS} s, as Prometheus would (its answers are not counted among the requests). Each database in turn for
${SECONDS} s (default 600), seeded with enough scheduled campaigns for the starts${HISTORY > 0 ? ` and a history of ${HISTORY.toLocaleString('en')} campaigns in every status, each with its event already published in the outbox (BENCH_SOAK_HISTORY)` : ''}. Latency is counted in the window the
request was sent in; the target compares the last window's p99 with the second's (the first holds the warm-up).
Beside the service, the pacer sends ${BASELINE_RATE} starts a second to bare Koa (the baseline, a process of its own): its p99 per
window is what the machine and the pacer did to a request that costs nothing, in the same seconds.
A SQLite commit's fsync holds the service's event loop, so a window's p99 there is read beside the disk's own sync,
timed by the pacer through the run, and the commits' time (\`sqlite_commit_duration_seconds\`); on PostgreSQL, beside the
data's size, the server's buffer reads and CPU per request and the maintenance autovacuum would have run; on both, beside how busy the
machine's cores were and how long the service's and the pacer's main threads waited for one.
Shorter: BENCH_SOAK_SECONDS, BENCH_SOAK_WINDOW_SECONDS, BENCH_SOAK_SCALE (multiplies every rate), BENCH_SOAK_DATABASES=SQLite;
BENCH_SOAK_SCRAPE_SECONDS sets the scrapes' period; BENCH_SOAK_KAFKA=off runs without a broker; BENCH_SOAK_HISTORY=n starts from a store that has run (n more campaigns, n published events); BENCH_CPU_PROF_DIR=dir profiles the service. With a broker, the
bench then gives the relay up to ${DRAIN_SECONDS} s to empty the outbox and compares the events written with the messages on the topic.

${sections.join('\n\n')}

${machineLine()} ${loadAverage()}`,
  );
}

await main();
