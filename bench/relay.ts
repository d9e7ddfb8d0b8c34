import { randomUUID } from 'node:crypto';
import kafkajs, { type Message } from 'kafkajs';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { loadConfig } from '../src/adapters/config/config.js';
import { toKafkaMessage } from '../src/adapters/messaging/cloud-event-message.js';
import { KAFKAJS_RETRY } from '../src/adapters/messaging/kafka-client.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { outboxRows, traceContextFromColumn } from '../src/adapters/persistence/rows/outbox-rows.js';
import { TimeOrderedIdGenerator } from '../src/adapters/system/time-ordered-id-generator.js';
import { newTraceContext } from '../src/adapters/tracing/carried-trace-context.js';
import { buildContainer } from '../src/composition/service.js';
import { TYPES } from '../src/composition/types.js';
import { CampaignId, type CampaignStarted, EMPTY_CONTENT } from '../src/domain/index.js';
import { type DatabaseKind, POSTGRES, SQLITE, type TestDatabase } from '../test/support/databases.js';
import { LocalKafkaBroker } from '../test/support/local-kafka-broker.js';
import { measuringCpu, processesNamed } from './support/cpu-usage.js';
import { loadAverage } from './support/machine-load.js';
import { machineLine, median, printSummary, REPORT_NAME, writeSection } from './support/performance-report.js';

const { Kafka, Partitioners, logLevel } = kafkajs;

const EVENTS = Number(process.argv[2] ?? process.env.BENCH_RELAY_EVENTS ?? 100_000);
const BATCH_SIZE = Number(process.env.BENCH_RELAY_BATCH_SIZE ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARTITIONS = 3;
const CAMPAIGNS = 10_000;
const DATABASES = (process.env.BENCH_RELAY_DATABASES ?? 'SQLite,PostgreSQL').split(',');

interface Round {
  /** Drain time of the relay on each database, by database name. */
  relaySeconds: Record<string, number>;
  rawSeconds: number;
  /** CPU seconds of each process group (this process, the database, the broker) during each drain, by database name. */
  relayCpu: Record<string, Record<CpuGroup, number>>;
  rawCpu: Record<CpuGroup, number>;
}

type CpuGroup = 'process' | 'database' | 'broker';

/** The relay and the bare producer run in this process; PostgreSQL and the broker in processes of their own. */
const CPU_GROUPS: Record<CpuGroup, () => number[]> = {
  process: () => [process.pid],
  database: () => processesNamed('postgres'),
  broker: () => processesNamed('java'),
};

interface RelayUnderTest {
  name: DatabaseKind['name'];
  database: TestDatabase;
  db: Knex;
  eventSource: string;
  /** What production's autovacuum would have done after the bench's reset of the whole backlog. */
  maintain(): Promise<void>;
  drain(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Drains a backlog of outbox rows to a real broker with the relay (a batch per partition in flight, each one send
 * and one UPDATE), and
 * sends the same messages with a bare kafkajs producer (same settings, same batches) for comparison.
 */
async function main(): Promise<void> {
  const broker = process.env.KAFKA_BROKERS ? undefined : await LocalKafkaBroker.launch();
  const brokers = process.env.KAFKA_BROKERS || broker!.brokers;
  const kinds = [SQLITE, POSTGRES].filter((kind) => DATABASES.includes(kind.name));
  const relays: RelayUnderTest[] = [];
  const rounds: Round[] = [];
  try {
    let messages: Message[] = [];
    for (const kind of kinds) {
      const relay = await relayOn(kind, brokers);
      relays.push(relay);
      process.stdout.write(`seeding ${EVENTS} outbox rows (${kind.name})\n`);
      messages = await seedOutbox(relay.db, EVENTS, relay.eventSource);
    }
    const raw = await rawProducer(brokers);
    for (let round = 1; round <= ROUNDS; round++) {
      const relaySeconds: Record<string, number> = {};
      const relayCpu: Record<string, Record<CpuGroup, number>> = {};
      for (const relay of relays) {
        await relay.db('outbox').update({ published_at: null });
        await relay.maintain();
        const drained = await measuringCpu(CPU_GROUPS, () =>
          timed(async () => {
            const published = await relay.drain();
            if (published !== EVENTS)
              throw new Error(`the relay published ${published} of ${EVENTS} events (${relay.name})`);
          }),
        );
        relaySeconds[relay.name] = drained.result;
        relayCpu[relay.name] = drained.seconds;
      }
      const sent = await measuringCpu(CPU_GROUPS, () => timed(() => raw.send(messages)));
      const rawSeconds = sent.result;
      rounds.push({ relaySeconds, rawSeconds, relayCpu, rawCpu: sent.seconds });
      const relayRates = relays.map(
        (r) =>
          `relay on ${r.name} ${rate(relaySeconds[r.name]!)} events/s (${relaySeconds[r.name]!.toFixed(2)} s, ${cpuLine(relayCpu[r.name]!)})`,
      );
      process.stdout.write(
        `round ${round}: ${relayRates.join(', ')}, raw kafkajs ${rate(rawSeconds)} events/s (${rawSeconds.toFixed(2)} s, ${cpuLine(sent.seconds)})\n`,
      );
    }
    await raw.close();
  } finally {
    for (const relay of relays) await relay.close();
    await broker?.remove();
  }
  report(
    relays.map((r) => r.name),
    rounds,
  );
}

/** The service's relay, as the composition root builds it, on a migrated database of `kind` of its own. */
async function relayOn(kind: DatabaseKind, brokers: string): Promise<RelayUnderTest> {
  const database = await kind.create();
  const config = loadConfig({
    ...database.env,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: `bench.relay.${randomUUID().slice(0, 8)}`,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    OUTBOX_BATCH_SIZE: String(BATCH_SIZE),
  });
  const container = buildContainer(config, pino({ level: 'warn' }));
  const db = container.get(TYPES.Database);
  await migrateToLatest(db);
  const publisher = container.get(TYPES.KafkaEventPublisher);
  await publisher.connect();
  const relay = container.get(TYPES.OutboxRelay);
  return {
    name: kind.name,
    database,
    db,
    eventSource: config.kafka!.eventSource,
    // The test server runs with autovacuum off; without this every round's reset leaves the whole backlog's
    // old row versions in the outbox index, and the statistics never learn that the backlog exists.
    maintain: async () => {
      if (kind === POSTGRES) await db.raw('VACUUM ANALYZE outbox, outbox_waiting');
    },
    drain: () => relay.drain(),
    async close() {
      await publisher.close();
      await db.destroy();
      await database.drop();
    },
  };
}

/**
 * CampaignStarted rows as the service writes them, spread over CAMPAIGNS campaigns: time-ordered event ids and each
 * row the trace context of the request that wrote it. Answers them as the Kafka messages the relay makes of them.
 */
async function seedOutbox(db: Knex, count: number, source: string): Promise<Message[]> {
  const now = new Date();
  const ids = new TimeOrderedIdGenerator();
  const rows = Array.from({ length: count }, (_, n) => {
    const event: CampaignStarted = {
      type: 'CampaignStarted',
      eventId: ids.newEventId(),
      campaignId: CampaignId.parse(String(913_681_391_525_380_096n + BigInt(n % CAMPAIGNS))),
      occurredAt: now,
      scheduledStartAt: new Date(now.getTime() + 86_400_000),
      trigger: 'manual',
      startedBy: 'bench',
      name: 'Bench',
      endAt: null,
      content: EMPTY_CONTENT,
    };
    return outboxRows([event], now, newTraceContext().traceContext)[0]!;
  });
  await db.transaction(async (trx) => {
    for (let i = 0; i < rows.length; i += 200) await trx('outbox').insert(rows.slice(i, i + 200));
  });
  return rows.map((row, n) => {
    const traceContext = traceContextFromColumn(row.trace_context);
    return toKafkaMessage(
      {
        sequence: BigInt(n + 1),
        eventId: row.event_id,
        type: row.event_type,
        aggregateId: row.aggregate_id,
        occurredAt: row.occurred_at,
        payloadJson: row.payload,
        ...(traceContext === undefined ? {} : { traceContext }),
      },
      source,
    );
  });
}

/** A bare kafkajs producer with the relay's settings, sending prepared messages batch after batch. */
async function rawProducer(brokers: string) {
  const kafka = new Kafka({
    clientId: 'bench-raw',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: KAFKAJS_RETRY,
  });
  const topic = `bench.raw.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: KAFKAJS_RETRY,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    async send(messages: Message[]): Promise<void> {
      for (let i = 0; i < messages.length; i += BATCH_SIZE) {
        await producer.send({ topic, acks: -1, messages: messages.slice(i, i + BATCH_SIZE) });
      }
    },
    close: () => producer.disconnect(),
  };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** CPU a group spent per event, in µs. */
function perEvent(seconds: number): number {
  return (seconds / EVENTS) * 1e6;
}

function cpuLine(cpu: Record<CpuGroup, number>): string {
  return `CPU an event: this process ${perEvent(cpu.process).toFixed(1)} µs, PostgreSQL ${perEvent(cpu.database).toFixed(1)} µs, broker ${perEvent(cpu.broker).toFixed(1)} µs`;
}

function rate(seconds: number): string {
  return (EVENTS / seconds).toFixed(0);
}

function report(names: readonly string[], rounds: Round[]): void {
  const rawSeconds = median(rounds.map((r) => r.rawSeconds));
  const measured = names.map((name) => {
    const relaySeconds = median(rounds.map((r) => r.relaySeconds[name]!));
    // Each round's relay and bare producer ran one after the other; the median of those ratios is what the noise spares.
    const ratio = median(rounds.map((r) => r.rawSeconds / r.relaySeconds[name]!));
    // What the relay adds to each event beyond the producer's own work: its reads, marks and messages.
    const ownMicros = median(rounds.map((r) => ((r.relaySeconds[name]! - r.rawSeconds) / EVENTS) * 1e6));
    const processMicros = median(rounds.map((r) => perEvent(r.relayCpu[name]!.process)));
    const databaseMicros = median(rounds.map((r) => perEvent(r.relayCpu[name]!.database)));
    const brokerMicros = median(rounds.map((r) => perEvent(r.relayCpu[name]!.broker)));
    const floor = name === 'SQLite' ? 20_000 : 0;
    const verdict: 'met' | 'missed' = EVENTS / relaySeconds >= floor && ratio >= 0.5 ? 'met' : 'missed';
    return {
      name,
      relaySeconds,
      ratio,
      ownMicros,
      processMicros,
      databaseMicros,
      brokerMicros,
      verdict,
      target: floor > 0 ? 'at least 20,000 events/s and 50% of the bare producer' : '50% of the bare producer',
    };
  });
  const rows = measured.map(
    (m) =>
      `| outbox relay on ${m.name} (a batch in flight per partition, each one send and one UPDATE; the outbox read on past the lanes in flight) | ${(EVENTS / m.relaySeconds).toFixed(0)} | ${m.relaySeconds.toFixed(2)} s | ${(m.ratio * 100).toFixed(0)}% | ${m.ownMicros.toFixed(1)} µs | ${m.processMicros.toFixed(1)} µs | ${m.name === 'SQLite' ? "(in the relay's)" : `${m.databaseMicros.toFixed(1)} µs`} | ${m.brokerMicros.toFixed(1)} µs |`,
  );
  const verdicts = measured.map(
    (m) =>
      `On ${m.name} the relay runs at ${(m.ratio * 100).toFixed(0)}% of the bare producer. Target (${m.target}): ${m.verdict}.`,
  );
  writeSection(
    'Relay',
    `
\`npm run bench:relay\` (bench/relay.ts): a backlog of ${EVENTS.toLocaleString('en')} CampaignStarted rows in the outbox, as the service
writes them (time-ordered event ids, each row the trace context of its request)
(SQLite: WAL, synchronous=FULL; PostgreSQL: the test server, a schema of its own, \`VACUUM ANALYZE outbox\` after each
round's reset of the backlog, as autovacuum would do in production; the test server runs with it off) drained to the local single-node
Kafka broker by the outbox relay, against a bare kafkajs producer sending the same ${EVENTS.toLocaleString('en')} messages (same CloudEvents
headers, \`ce_traceparent\` included, same batches of ${BATCH_SIZE}, same settings: idempotent, acks -1, one request in flight) to a topic of its own;
${PARTITIONS} partitions each, ${ROUNDS} rounds, each round draining every database in turn and then running the bare producer;
medians of the rounds, and the median of each round's ratio. Both use kafkajs as \`npm ci\` installs it, its encoder taking
buffers from node's pool (docs/design.md). A smaller backlog: \`npm run bench:relay -- 20000\`
(or BENCH_RELAY_EVENTS); BENCH_RELAY_BATCH_SIZE, BENCH_ROUNDS and BENCH_RELAY_DATABASES=SQLite change the rest.
CPU an event: the CPU time (user and system, from /proc) of each process during the drain or the send, divided by the events:
this process (the relay, or the bare producer; on SQLite the database's work too), PostgreSQL's server and backends, the broker;
medians of the rounds. It moves less with the machine's load than the times do.

| | events/s | drain time | vs bare producer (median of rounds) | the relay's own time an event (its drain's less the producer's, median of rounds) | CPU an event: the relay's or producer's process | PostgreSQL | broker |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}
| bare kafkajs producer, messages already in memory | ${(EVENTS / rawSeconds).toFixed(0)} | ${rawSeconds.toFixed(2)} s | | | ${median(rounds.map((r) => perEvent(r.rawCpu.process))).toFixed(1)} µs | | ${median(rounds.map((r) => perEvent(r.rawCpu.broker))).toFixed(1)} µs |

${verdicts.join('\n')}

${machineLine()} The broker and PostgreSQL run on the same machine. ${loadAverage()}
`,
  );
  for (const m of measured) {
    printSummary({
      benchmark: `2. Relay (${m.name})`,
      project: `${(EVENTS / m.relaySeconds).toFixed(0)} events/s`,
      baseline: `bare producer ${(EVENTS / rawSeconds).toFixed(0)} events/s`,
      ratio: `${(m.ratio * 100).toFixed(0)}%`,
      target: m.name === 'SQLite' ? '≥ 20,000/s, ≥ 50%' : '≥ 50%',
      verdict: m.verdict,
    });
  }
  process.stdout.write(
    `${measured.map((m) => `relay on ${m.name} ${(EVENTS / m.relaySeconds).toFixed(0)} events/s (${(m.ratio * 100).toFixed(0)}%)`).join(', ')}, raw ${(EVENTS / rawSeconds).toFixed(0)} events/s; written to ${REPORT_NAME}\n`,
  );
}

await main();
