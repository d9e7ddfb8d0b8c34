import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import type { EventPublisher, PendingEvent } from '../../application/index.js';
import { toKafkaMessage } from './cloud-event-message.js';
import { KAFKAJS_RETRY } from './kafka-client.js';
import { ensureTopic, type TopicLayout } from './kafka-topic.js';
import { WriteReadiness } from './write-readiness.js';
import { isFatalForProducer } from './producer-errors.js';

const { Partitioners } = kafkajs;

export interface PublishSettings {
  topic: string;
  /** Partitions of the topic when this publisher creates it. */
  topicPartitions: number;
  /** Replicas and min.insync.replicas of the topic when this publisher creates it; undefined: the defaults. */
  topicReplicationFactor?: number | undefined;
  topicMinInsyncReplicas?: number | undefined;
  /** CloudEvents `source` of every event. */
  eventSource: string;
}

/** Publishes with one idempotent producer (acks from all in-sync replicas, one request in flight). */
export class KafkaEventPublisher implements EventPublisher {
  private producer: Producer | undefined;
  private topic: TopicLayout | undefined;
  private readonly writeReadiness: WriteReadiness;

  constructor(
    private readonly kafka: Pick<Kafka, 'producer' | 'admin'>,
    private readonly settings: PublishSettings,
    /** Told what the topic really is once, when it is first created or found. */
    private readonly topicFound: (layout: TopicLayout) => void = () => undefined,
  ) {
    this.writeReadiness = new WriteReadiness(kafka, settings.topic);
  }

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

  whenWritable(withinMs: number, abandon: AbortSignal): Promise<void> {
    return this.writeReadiness.whenWritable(this.topic?.minInsyncReplicas ?? 1, withinMs, abandon);
  }

  async close(): Promise<void> {
    await this.writeReadiness.close();
    await this.discardProducer();
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.topic === undefined) {
      this.topic = await this.createTopicIfMissing();
      this.topicFound(this.topic);
    }
    this.producer ??= await this.newProducer();
    return this.producer;
  }

  private async createTopicIfMissing(): Promise<TopicLayout> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await ensureTopic(admin, {
        topic: this.settings.topic,
        partitions: this.settings.topicPartitions,
        replicationFactor: this.settings.topicReplicationFactor,
        minInsyncReplicas: this.settings.topicMinInsyncReplicas,
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
