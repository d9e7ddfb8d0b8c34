import { randomUUID } from 'node:crypto';
import kafkajs, { type Message } from 'kafkajs';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { loadConfig } from '../src/adapters/config/config.js';
import { toKafkaMessage } from '../src/adapters/messaging/cloud-event-message.js';
import { KAFKAJS_RETRY } from '../src/adapters/messaging/kafka-client.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { outboxRows } from '../src/adapters/persistence/rows/outbox-rows.js';
import { buildContainer } from '../src/composition/service.js';
import { TYPES } from '../src/composition/types.js';
import { CampaignId, type CampaignStarted, EMPTY_CONTENT } from '../src/domain/index.js';
import { type DatabaseKind, POSTGRES, SQLITE, type TestDatabase } from '../test/support/databases.js';
import { LocalKafkaBroker } from '../test/support/local-kafka-broker.js';
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
}

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
      for (const relay of relays) {
        await relay.db('outbox').update({ published_at: null });
        await relay.maintain();
        relaySeconds[relay.name] = await timed(async () => {
          const published = await relay.drain();
          if (published !== EVENTS)
            throw new Error(`the relay published ${published} of ${EVENTS} events (${relay.name})`);
        });
      }
      const rawSeconds = await timed(() => raw.send(messages));
      rounds.push({ relaySeconds, rawSeconds });
      const relayRates = relays.map(
        (r) => `relay on ${r.name} ${rate(relaySeconds[r.name]!)} events/s (${relaySeconds[r.name]!.toFixed(2)} s)`,
      );
      process.stdout.write(
        `round ${round}: ${relayRates.join(', ')}, raw kafkajs ${rate(rawSeconds)} events/s (${rawSeconds.toFixed(2)} s)\n`,
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
  const container = buildContainer(config, pino({ level: 'warn' }), undefined);
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
      if (kind === POSTGRES) await db.raw('VACUUM ANALYZE outbox');
    },
    drain: () => relay.drain(),
    async close() {
      await publisher.close();
      await db.destroy();
      await database.drop();
    },
  };
}

/** CampaignStarted rows as the service writes them, spread over CAMPAIGNS campaigns; answers them as Kafka messages. */
async function seedOutbox(db: Knex, count: number, source: string): Promise<Message[]> {
  const now = new Date();
  const events = Array.from(
    { length: count },
    (_, n): CampaignStarted => ({
      type: 'CampaignStarted',
      eventId: randomUUID(),
      campaignId: CampaignId.parse(String(913_681_391_525_380_096n + BigInt(n % CAMPAIGNS))),
      occurredAt: now,
      scheduledStartAt: new Date(now.getTime() + 86_400_000),
      trigger: 'manual',
      startedBy: 'bench',
      name: 'Bench',
      endAt: null,
      content: EMPTY_CONTENT,
    }),
  );
  const rows = outboxRows(events, now, undefined);
  await db.transaction(async (trx) => {
    for (let i = 0; i < rows.length; i += 200) await trx('outbox').insert(rows.slice(i, i + 200));
  });
  return rows.map((row, n) =>
    toKafkaMessage(
      {
        sequence: BigInt(n + 1),
        eventId: row.event_id,
        type: row.event_type,
        aggregateId: row.aggregate_id,
        occurredAt: row.occurred_at,
        payloadJson: row.payload,
      },
      source,
    ),
  );
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
    const floor = name === 'SQLite' ? 20_000 : 0;
    const verdict: 'met' | 'missed' = EVENTS / relaySeconds >= floor && ratio >= 0.5 ? 'met' : 'missed';
    return {
      name,
      relaySeconds,
      ratio,
      ownMicros,
      verdict,
      target: floor > 0 ? 'at least 20,000 events/s and 50% of the bare producer' : '50% of the bare producer',
    };
  });
  const rows = measured.map(
    (m) =>
      `| outbox relay on ${m.name} (a batch in flight per partition, each one send and one UPDATE; the outbox read on past the lanes in flight) | ${(EVENTS / m.relaySeconds).toFixed(0)} | ${m.relaySeconds.toFixed(2)} s | ${(m.ratio * 100).toFixed(0)}% | ${m.ownMicros.toFixed(1)} µs |`,
  );
  const verdicts = measured.map(
    (m) =>
      `On ${m.name} the relay runs at ${(m.ratio * 100).toFixed(0)}% of the bare producer. Target (${m.target}): ${m.verdict}.`,
  );
  writeSection(
    'Relay',
    `
\`npm run bench:relay\` (bench/relay.ts): a backlog of ${EVENTS.toLocaleString('en')} CampaignStarted rows in the outbox
(SQLite: WAL, synchronous=FULL; PostgreSQL: the test server, a schema of its own, \`VACUUM ANALYZE outbox\` after each
round's reset of the backlog, as autovacuum would do in production; the test server runs with it off) drained to the local single-node
Kafka broker by the outbox relay, against a bare kafkajs producer sending the same ${EVENTS.toLocaleString('en')} messages (same CloudEvents
headers, same batches of ${BATCH_SIZE}, same settings: idempotent, acks -1, one request in flight) to a topic of its own;
${PARTITIONS} partitions each, ${ROUNDS} rounds, each round draining every database in turn and then running the bare producer;
medians of the rounds, and the median of each round's ratio. Both use kafkajs as \`npm ci\` installs it, its encoder taking
buffers from node's pool (docs/design.md). A smaller backlog: \`npm run bench:relay -- 20000\`
(or BENCH_RELAY_EVENTS); BENCH_RELAY_BATCH_SIZE, BENCH_ROUNDS and BENCH_RELAY_DATABASES=SQLite change the rest.

| | events/s | drain time | vs bare producer (median of rounds) | the relay's own time an event (its drain's less the producer's, median of rounds) |
|---|---|---|---|---|
${rows.join('\n')}
| bare kafkajs producer, messages already in memory | ${(EVENTS / rawSeconds).toFixed(0)} | ${rawSeconds.toFixed(2)} s | | |

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
