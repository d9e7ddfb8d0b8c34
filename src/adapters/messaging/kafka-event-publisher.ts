import kafkajs, { type Kafka, type Message, type Producer } from 'kafkajs';
import { type EventPublisher, PartlyPublished, type PendingEvent } from '../../application/index.js';
import { toKafkaMessage } from './cloud-event-message.js';
import { KAFKAJS_RETRY } from './kafka-client.js';
import { DEFAULT_MAX_MESSAGE_BYTES, ensureTopic, type TopicLayout } from './kafka-topic.js';
import { partitionOfKey } from './key-partition.js';
import { isFatalForProducer, isTooLarge, isTopicMissing } from './producer-errors.js';
import { recordRuns, sendLimitFor } from './record-batches.js';
import { unacknowledgedPartition } from './send-receipts.js';
import { WriteReadiness } from './write-readiness.js';

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
  /**
   * The longest the publisher goes by the partitions it read before it reads them again, at its next connect
   * (before a round of the relay, with no send in flight). Default 5 minutes, as the Java producer's
   * `metadata.max.age.ms`: partitions added to the topic get events within that time.
   */
  topicLayoutMaxAgeMs?: number | undefined;
}

/** The Java producer's `metadata.max.age.ms`. */
export const TOPIC_LAYOUT_MAX_AGE_MS = 300_000;

/**
 * Publishes with one idempotent producer (acks from all in-sync replicas, one request in flight), each partition's
 * events in sends of their own, so that each send is acknowledged or refused as a whole: the partitions (and the
 * first sends of a partition) the broker acknowledged are known when another fails, and are not sent again (a
 * second send of them would be a new write, not a retry). A partition's events go in as few sends as fit under the
 * broker's size limit of a record batch, one after the other.
 *
 * One send for several partitions would be fewer requests, but not safe: when its partitions' leaders are (or
 * become, during kafkajs's retries) different brokers, kafkajs may fail the send after one of them wrote its
 * partitions, without saying which, and with those partitions' sequence numbers moved on, so that sending their
 * events again would write them a second time.
 */
export class KafkaEventPublisher implements EventPublisher {
  /** The producer in use, or being connected: the lanes' concurrent sends share it, never make one each. */
  private producer: Promise<Producer> | undefined;
  private topic: TopicLayout | undefined;
  /** The broker said the topic does not exist: the next connection creates it again (the lanes keep the old layout until then). */
  private topicToEnsure = false;
  /** When the topic's layout was last read (performance.now()). */
  private layoutReadAt = 0;
  private readonly writeReadiness: WriteReadiness;

  constructor(
    private readonly kafka: Pick<Kafka, 'producer' | 'admin'>,
    private readonly settings: PublishSettings,
    /** Told what the topic really is once, when it is first created or found. */
    private readonly topicFound: (layout: TopicLayout) => void = () => undefined,
    /** Told when the broker's refusal makes a new producer (a new producer id) necessary, and why. */
    private readonly producerReplaced: (cause: unknown) => void = () => undefined,
  ) {
    this.writeReadiness = new WriteReadiness(kafka, settings.topic);
  }

  /** Also reads the topic's partitions again once the layout is older than `topicLayoutMaxAgeMs` (see readLayoutAgain). */
  async connect(): Promise<void> {
    if (this.topic !== undefined && !this.topicToEnsure && this.layoutExpired()) {
      // A cluster out of reach keeps the layout it had: the sends report an outage, each partition its own.
      await this.readLayoutAgain().catch(() => undefined);
    }
    await this.connectedProducer();
  }

  private layoutExpired(): boolean {
    const maxAgeMs = this.settings.topicLayoutMaxAgeMs ?? TOPIC_LAYOUT_MAX_AGE_MS;
    return performance.now() - this.layoutReadAt >= maxAgeMs;
  }

  /**
   * Reads the topic's layout again, for partitions added meanwhile. When their number changed, the lanes change
   * with it (the relay reads anew, see RelayPolicy) and the producer is replaced: kafkajs leaves a partition its
   * own metadata does not know yet out of a send (see PartitionNotWritten) until that metadata ages out, and a new
   * producer reads it afresh. Called before a round of the relay, with no send in flight.
   */
  private async readLayoutAgain(): Promise<void> {
    const before = this.topic;
    this.layoutReadAt = performance.now();
    const layout = await this.createTopicIfMissing();
    this.topic = layout;
    if (layout.created || layout.partitions !== before?.partitions) {
      this.topicFound(layout);
      const producer = await this.producer?.catch(() => undefined);
      if (producer !== undefined) await this.discardProducer(producer);
    }
  }

  async publish(events: readonly PendingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const producer = await this.connectedProducer();
    const sends = await Promise.all(
      [...this.byPartition(events)].map(([partition, messages]) => this.sendInTurn(producer, partition, messages)),
    );
    const refusals = sends.flatMap((send) => (send.refusal === undefined ? [] : [send.refusal]));
    if (refusals.length === 0) return;
    if (refusals.some(isTopicMissing)) this.topicToEnsure = true;
    // The topic's limit may have been lowered: it is read again before the next round, which sends smaller runs.
    if (refusals.some(isTooLarge)) this.layoutReadAt = Number.NEGATIVE_INFINITY;
    const fatal = refusals.find(isFatalForProducer);
    if (fatal !== undefined && (await this.discardProducer(producer))) this.producerReplaced(fatal);
    const acknowledged = sends.flatMap((send) => send.acknowledged);
    throw acknowledged.length === 0 ? refusals[0] : new PartlyPublished(acknowledged, refusals[0]);
  }

  /**
   * Sends a partition's messages in order, in sends of at most RECORD_BATCH_BYTES each (less when the topic takes
   * less), one after the other: the first refused send stops it. Answers the events acknowledged (the partition's
   * first ones) and the refusal.
   */
  private async sendInTurn(
    producer: Producer,
    partition: number,
    messages: ReadonlyArray<{ event: PendingEvent; message: Message }>,
  ): Promise<{ acknowledged: PendingEvent[]; refusal?: unknown }> {
    const acknowledged: PendingEvent[] = [];
    const limit = sendLimitFor(this.topic?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
    for (const run of recordRuns(messages, ({ message }) => message, limit)) {
      try {
        const receipts = await producer.send({
          topic: this.settings.topic,
          acks: -1,
          messages: run.map(({ message }) => message),
        });
        const refusal = unacknowledgedPartition(receipts, this.settings.topic, partition);
        if (refusal !== undefined) return { acknowledged, refusal };
      } catch (refusal) {
        return { acknowledged, refusal };
      }
      acknowledged.push(...run.map(({ event }) => event));
    }
    return { acknowledged };
  }

  /** The partition the event's key maps to, as text: the relay publishes each partition's events in order. */
  laneOf(event: PendingEvent): string {
    return String(this.partitionOf(event.aggregateId));
  }

  laneCount(): number | undefined {
    return this.topic?.partitions;
  }

  /** Java's murmur2 partitioner: a campaign lands on the same partition whatever client produces it. */
  private partitionOf(key: string): number {
    if (this.topic === undefined)
      throw new Error('the partitions of the topic are not known before the publisher connected');
    return partitionOfKey(key, this.topic.partitions);
  }

  /** The batch's messages by partition, each partition's in batch order. */
  private byPartition(events: readonly PendingEvent[]): Map<number, Array<{ event: PendingEvent; message: Message }>> {
    const partitions = new Map<number, Array<{ event: PendingEvent; message: Message }>>();
    for (const event of events) {
      const partition = this.partitionOf(event.aggregateId);
      const message = toKafkaMessage(event, this.settings.eventSource, partition);
      const group = partitions.get(partition) ?? [];
      group.push({ event, message });
      partitions.set(partition, group);
    }
    return partitions;
  }

  whenWritable(withinMs: number, abandon: AbortSignal): Promise<boolean> {
    return this.writeReadiness.whenWritable(this.topic?.minInsyncReplicas ?? 1, withinMs, abandon);
  }

  async close(): Promise<void> {
    await this.writeReadiness.close();
    const producer = await this.producer?.catch(() => undefined);
    if (producer !== undefined) await this.discardProducer(producer);
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.topic === undefined || this.topicToEnsure) {
      this.topic = await this.createTopicIfMissing();
      this.topicToEnsure = false;
      this.topicFound(this.topic);
    }
    this.producer ??= this.newProducer().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  private async createTopicIfMissing(): Promise<TopicLayout> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      this.layoutReadAt = performance.now();
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
      // Every message names its partition (see byPartition); the partitioner is the same one for any other.
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

  /** Another lane may have replaced it already: only the one in use is dropped, once; answers whether this call did. */
  private async discardProducer(failed: Producer): Promise<boolean> {
    const current = this.producer;
    const inUse = (await current?.catch(() => undefined)) === failed && this.producer === current;
    if (inUse) this.producer = undefined;
    await failed.disconnect().catch(() => undefined);
    return inUse;
  }
}
