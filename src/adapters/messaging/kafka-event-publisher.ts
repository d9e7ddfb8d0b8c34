import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import type { EventPublisher, PendingEvent } from '../../application/index.js';
import { toKafkaMessage } from './cloud-event-message.js';
import { KAFKAJS_RETRY } from './kafka-client.js';
import { isFatalForProducer } from './producer-errors.js';

const { Partitioners } = kafkajs;

export interface PublishSettings {
  topic: string;
  /** Partitions of the topic when this publisher creates it. */
  topicPartitions: number;
  /** CloudEvents `source` of every event. */
  eventSource: string;
}

/** Publishes with one idempotent producer (acks from all in-sync replicas, one request in flight). */
export class KafkaEventPublisher implements EventPublisher {
  private producer: Producer | undefined;
  private topicReady = false;

  constructor(
    private readonly kafka: Pick<Kafka, 'producer' | 'admin'>,
    private readonly settings: PublishSettings,
  ) {}

  async connect(): Promise<void> {
    await this.connectedProducer();
  }

  async publish(events: readonly PendingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const producer = await this.connectedProducer();
    try {
      await producer.send({
        topic: this.settings.topic,
        acks: -1,
        messages: events.map((event) => toKafkaMessage(event, this.settings.eventSource)),
      });
    } catch (error) {
      if (isFatalForProducer(error)) await this.discardProducer();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.discardProducer();
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.topicReady) {
      await this.createTopicIfMissing();
      this.topicReady = true;
    }
    this.producer ??= await this.newProducer();
    return this.producer;
  }

  private async createTopicIfMissing(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic: this.settings.topic, numPartitions: this.settings.topicPartitions }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
  }

  private async newProducer(): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: KAFKAJS_RETRY,
      // Java's murmur2 partitioner: a campaign lands on the same partition whatever client produces it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
      return producer;
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private async discardProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}
