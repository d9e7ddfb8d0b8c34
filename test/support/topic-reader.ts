import { randomBytes } from 'node:crypto';
import kafkajs, { type Consumer, type Kafka } from 'kafkajs';
import { eventually } from './eventually.js';

const { Kafka: KafkaClient, logLevel } = kafkajs;

export interface ReadMessage {
  partition: number;
  offset: number;
  key: string | undefined;
  headers: Record<string, string>;
  value: string | undefined;
}

/** A topic name no other test uses. */
export function uniqueTopic(purpose: string): string {
  return `test.${purpose}.${randomBytes(4).toString('hex')}`;
}

export function testKafkaClient(brokers: string): Kafka {
  return new KafkaClient({ clientId: 'campaign-tests', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** Every message on a topic from its beginning, gathered by a consumer of its own group as they arrive. */
export class TopicReader {
  readonly messages: ReadMessage[] = [];

  private constructor(
    private readonly kafka: Kafka,
    private readonly consumer: Consumer,
    readonly topic: string,
  ) {}

  /** Waits for the topic to exist (the relay creates it) before reading it. */
  static async open(brokers: string, topic: string): Promise<TopicReader> {
    const kafka = testKafkaClient(brokers);
    await eventually(`topic ${topic} exists`, () => topicExists(kafka, topic), { timeoutMs: 30_000, intervalMs: 200 });
    const consumer = kafka.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 200 });
    const reader = new TopicReader(kafka, consumer, topic);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        reader.messages.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString(),
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
          value: message.value?.toString(),
        });
      },
    });
    return reader;
  }

  /** Messages whose key is one of `keys`. */
  withKeys(keys: Iterable<string>): ReadMessage[] {
    const wanted = new Set(keys);
    return this.messages.filter((message) => message.key !== undefined && wanted.has(message.key));
  }

  /** Waits until at least `count` messages with these keys arrived, and answers them. */
  async waitForKeys(keys: readonly string[], count = keys.length, timeoutMs = 60_000): Promise<ReadMessage[]> {
    await eventually(`${count} messages arrived on ${this.topic}`, () => this.withKeys(keys).length >= count, {
      timeoutMs,
      intervalMs: 50,
    });
    return this.withKeys(keys);
  }

  /** Waits until every message the topic holds now has been read. */
  async catchUp(timeoutMs = 30_000): Promise<void> {
    const total = await messagesOnTopic(this.kafka, this.topic);
    await eventually(`the reader read all ${total} messages of ${this.topic}`, () => this.messages.length >= total, {
      timeoutMs,
      intervalMs: 50,
    });
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** How many messages the topic holds, from its partitions' offsets. */
export async function messagesOnTopic(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function partitionsOf(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

async function topicExists(kafka: Kafka, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.listTopics()).includes(topic);
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
