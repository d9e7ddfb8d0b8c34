import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { type Message } from 'kafkajs';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { loadConfig } from '../src/adapters/config/config.js';
import { toKafkaMessage } from '../src/adapters/messaging/cloud-event-message.js';
import { KAFKAJS_RETRY } from '../src/adapters/messaging/kafka-client.js';
import { migrateToLatest } from '../src/adapters/persistence/migrations/index.js';
import { outboxRows } from '../src/adapters/persistence/outbox-rows.js';
import { buildContainer } from '../src/composition/service.js';
import { TYPES } from '../src/composition/types.js';
import { campaignStarted, CampaignId, EMPTY_CONTENT } from '../src/domain/index.js';
import { LocalKafkaBroker } from '../test/support/local-kafka-broker.js';
import { machineLine, median, printSummary, writeSection } from './support/performance-report.js';

const { Kafka, Partitioners, logLevel } = kafkajs;

const EVENTS = Number(process.argv[2] ?? process.env.BENCH_RELAY_EVENTS ?? 100_000);
const BATCH_SIZE = Number(process.env.BENCH_RELAY_BATCH_SIZE ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARTITIONS = 3;
const CAMPAIGNS = 10_000;

interface Round {
  relaySeconds: number;
  rawSeconds: number;
}

/**
 * Drains a backlog of outbox rows to a real broker with the relay (read a batch, one send, one UPDATE), and
 * sends the same messages with a bare kafkajs producer (same settings, same batches) for comparison.
 */
async function main(): Promise<void> {
  const broker = process.env.KAFKA_BROKERS ? undefined : await LocalKafkaBroker.launch();
  const brokers = process.env.KAFKA_BROKERS || broker!.brokers;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: `sqlite:${join(dataDir, 'campaigns.sqlite')}`,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: `bench.relay.${randomUUID().slice(0, 8)}`,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    OUTBOX_BATCH_SIZE: String(BATCH_SIZE),
  });
  const container = buildContainer(config, pino({ level: 'warn' }), undefined);
  const db = container.get(TYPES.Database);
  const rounds: Round[] = [];
  try {
    await migrateToLatest(db);
    process.stdout.write(`seeding ${EVENTS} outbox rows\n`);
    const messages = await seedOutbox(db, EVENTS, config.kafka!.eventSource);
    const raw = await rawProducer(brokers);
    const publisher = container.get(TYPES.KafkaEventPublisher);
    await publisher.connect();
    const relay = container.get(TYPES.OutboxRelay);
    for (let round = 1; round <= ROUNDS; round++) {
      await db('outbox').update({ published_at: null });
      const relaySeconds = await timed(async () => {
        const published = await relay.drain();
        if (published !== EVENTS) throw new Error(`the relay published ${published} of ${EVENTS} events`);
      });
      const rawSeconds = await timed(() => raw.send(messages));
      rounds.push({ relaySeconds, rawSeconds });
      process.stdout.write(
        `round ${round}: relay ${rate(relaySeconds)} events/s (${relaySeconds.toFixed(2)} s), raw kafkajs ${rate(rawSeconds)} events/s (${rawSeconds.toFixed(2)} s)\n`,
      );
    }
    await raw.close();
    await publisher.close();
  } finally {
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
    await broker?.remove();
  }
  report(rounds);
}

/** CampaignStarted rows as the service writes them, spread over CAMPAIGNS campaigns; answers them as Kafka messages. */
async function seedOutbox(db: Knex, count: number, source: string): Promise<Message[]> {
  const now = new Date();
  const events = Array.from({ length: count }, (_, n) =>
    campaignStarted({
      eventId: randomUUID(),
      campaignId: CampaignId.parse(String(913_681_391_525_380_096n + BigInt(n % CAMPAIGNS))),
      startedAt: now,
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
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: KAFKAJS_RETRY });
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

function report(rounds: Round[]): void {
  const relaySeconds = median(rounds.map((r) => r.relaySeconds));
  const rawSeconds = median(rounds.map((r) => r.rawSeconds));
  const ratio = rawSeconds / relaySeconds;
  const verdict = EVENTS / relaySeconds >= 20_000 && ratio >= 0.5 ? 'met' : 'missed';
  writeSection(
    'Relay',
    `
\`npm run bench:relay\` (bench/relay.ts): a backlog of ${EVENTS.toLocaleString('en')} CampaignStarted rows in the SQLite outbox
(WAL, synchronous=FULL) drained to the local single-node Kafka broker by the outbox relay, against a bare
kafkajs producer sending the same ${EVENTS.toLocaleString('en')} messages (same CloudEvents headers, same batches of ${BATCH_SIZE}, same settings:
idempotent, acks -1, one request in flight) to a topic of its own; ${PARTITIONS} partitions each, median of ${ROUNDS} rounds.
A smaller backlog: \`npm run bench:relay -- 20000\` (or BENCH_RELAY_EVENTS); BENCH_RELAY_BATCH_SIZE and BENCH_ROUNDS change the rest.

| | events/s | drain time |
|---|---|---|
| outbox relay (one send and one UPDATE per batch; the next batch is read while one is in flight) | ${(EVENTS / relaySeconds).toFixed(0)} | ${relaySeconds.toFixed(2)} s |
| bare kafkajs producer, messages already in memory | ${(EVENTS / rawSeconds).toFixed(0)} | ${rawSeconds.toFixed(2)} s |

The relay runs at ${(ratio * 100).toFixed(0)}% of the bare producer. Target (at least 20,000 events/s and 50% of the bare producer): ${verdict}.

${machineLine()} The broker runs on the same machine.
`,
  );
  printSummary({
    benchmark: '2. Relay',
    project: `${(EVENTS / relaySeconds).toFixed(0)} events/s`,
    baseline: `bare producer ${(EVENTS / rawSeconds).toFixed(0)} events/s`,
    ratio: `${(ratio * 100).toFixed(0)}%`,
    target: '≥ 20,000/s, ≥ 50%',
    verdict,
  });
  process.stdout.write(`relay ${(EVENTS / relaySeconds).toFixed(0)} events/s, raw ${(EVENTS / rawSeconds).toFixed(0)} events/s, ratio ${ratio.toFixed(2)}; written to docs/performance.md\n`);
}

await main();
