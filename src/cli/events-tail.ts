import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import kafkajs, { type EachMessagePayload, type IHeaders, type Kafka } from 'kafkajs';
import { ConfigError, loadConfig } from '../adapters/config/config.js';
import { clearTextPasswordWarning, kafkaSecurity } from '../adapters/messaging/kafka-client.js';

const { Kafka: KafkaClient, logLevel } = kafkajs;

const usage = `Prints the campaign events on KAFKA_TOPIC as they arrive, one JSON line each.
Usage: npm run events:tail -- [--from-beginning] [--group ID]
  --from-beginning  start with the oldest event on the topic instead of the next one (a --group that has read
                    before goes on from where it stopped, whatever this says: Kafka keeps its place)
  --group ID        consumer group to join (default: a new group each run, so nothing is shared)
Needs KAFKA_BROKERS; reads KAFKA_TOPIC (default campaign-events).`;

/**
 * A downstream consumer in miniature: it reads the CloudEvents attributes from the `ce_` headers, parses
 * the JSON value, and drops a repeat of an event id it has already seen (delivery is at-least-once). It prints
 * the trace id from `ce_traceparent`, the one to look up in a tracing backend.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'from-beginning': { type: 'boolean', default: false },
      group: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${usage}\n`);
  const { kafka: settings } = loadConfig();
  if (settings === undefined) throw new ConfigError(['KAFKA_BROKERS is required, e.g. KAFKA_BROKERS=127.0.0.1:9092']);

  const warning = clearTextPasswordWarning(settings);
  if (warning !== undefined) process.stderr.write(`${warning}\n`);
  const kafka = new KafkaClient({
    clientId: `${settings.clientId}-tail`,
    brokers: settings.brokers,
    ...kafkaSecurity(settings),
    logLevel: logLevel.NOTHING,
  });
  await waitForTopic(kafka, settings.topic);
  const consumer = kafka.consumer({ groupId: values.group ?? `events-tail-${randomUUID()}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: settings.topic, fromBeginning: values['from-beginning'] });

  const seen = new Set<string>();
  await consumer.run({
    eachMessage: async ({ partition, message }: EachMessagePayload) => {
      const headers = textHeaders(message.headers);
      const id = headers.ce_id;
      if (id !== undefined && seen.has(id)) return;
      if (id !== undefined) seen.add(id);
      const line = {
        partition,
        offset: message.offset,
        key: message.key?.toString(),
        id,
        type: headers.ce_type,
        source: headers.ce_source,
        subject: headers.ce_subject,
        time: headers.ce_time,
        traceId: traceIdOf(headers.ce_traceparent),
        data: parseJson(message.value?.toString()),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    },
  });
  process.stderr.write(`tailing ${settings.topic} on ${settings.brokers.join(',')} (Ctrl-C to stop)\n`);

  const stop = () => void consumer.disconnect().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The relay creates the topic when it first connects; until then there is nothing to subscribe to. */
async function waitForTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let told = false; !(await admin.listTopics()).includes(topic); told = true) {
      if (!told) process.stderr.write(`waiting for topic ${topic}: the relay creates it when it first connects\n`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    await admin.disconnect();
  }
}

function textHeaders(headers: IHeaders | undefined): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, value?.toString()]));
}

/** The trace id of a W3C traceparent (`00-<trace id>-<parent id>-<flags>`), or null without a valid one. */
function traceIdOf(traceparent: string | undefined): string | null {
  return /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '')?.[1] ?? null;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
