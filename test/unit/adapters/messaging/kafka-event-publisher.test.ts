import fc from 'fast-check';
import kafkajs, {
  type Admin,
  type ITopicConfig,
  type Kafka,
  type Producer,
  type ProducerConfig,
  type ProducerRecord,
} from 'kafkajs';
import { toKafkaMessage } from '../../../../src/adapters/messaging/cloud-event-message.js';
import { KafkaEventPublisher, type PublishSettings } from '../../../../src/adapters/messaging/kafka-event-publisher.js';
import type { TopicLayout } from '../../../../src/adapters/messaging/kafka-topic.js';
import { partitionOfKey } from '../../../../src/adapters/messaging/key-partition.js';
import { isFatalForProducer } from '../../../../src/adapters/messaging/producer-errors.js';
import { PartlyPublished, type PendingEvent } from '../../../../src/application/index.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const {
  KafkaJSConnectionError,
  KafkaJSLockTimeout,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} = kafkajs;

const murmur2Partitioner = kafkajs.Partitioners.DefaultPartitioner();
const THREE_PARTITIONS = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0 }));
function partitionOf(key: string): number {
  return murmur2Partitioner({
    topic: 'campaign-events',
    partitionMetadata: THREE_PARTITIONS as never,
    message: { key, value: null },
  });
}

const EVENT: PendingEvent = {
  sequence: 12n,
  eventId: '0b7f7c3e-8f5e-4d7e-9a8e-3c1f2b6a9d10',
  type: 'CampaignStarted',
  aggregateId: '9007199254740993',
  occurredAt: new Date('2030-01-01T12:00:00.000Z'),
  payloadJson: '{"campaignId":"9007199254740993","trigger":"manual"}',
};

/** The error kafkajs makes of a broker's error code. */
/** kafkajs's own wrapping of an error it will not retry (its types omit the constructors' arguments). */
function nonRetriable(cause: Error): Error {
  return new (KafkaJSNonRetriableError as unknown as new (e: Error, options: { cause: Error }) => Error)(cause, {
    cause,
  });
}

/** The ways kafkajs hands a broker's error on: inside running out of retries, as not retriable, as a cause. */
const aWrapping = fc.constantFrom('retries exceeded', 'non-retriable', 'plain cause');

/** `error` wrapped by each of `wrappings` in turn, the first innermost. */
function wrapped(error: Error, wrappings: ReadonlyArray<'retries exceeded' | 'non-retriable' | 'plain cause'>): Error {
  let outer = error;
  for (const wrap of wrappings) {
    outer =
      wrap === 'retries exceeded'
        ? new KafkaJSNumberOfRetriesExceeded(outer, { retryCount: 3, retryTime: 800, cause: outer } as never)
        : wrap === 'non-retriable'
          ? nonRetriable(outer)
          : new Error('send failed', { cause: outer });
  }
  return outer;
}

function lockTimeout(message: string): Error {
  return new (KafkaJSLockTimeout as unknown as new (message: string) => Error)(message);
}

function protocolError(type: string, retriable: boolean): Error {
  return new KafkaJSProtocolError({ message: `broker answered ${type}`, type, code: 0, retriable } as unknown as Error);
}

/** A broker's default `message.max.bytes`: the most a record batch, one send to a partition, may hold. */
const BROKER_MAX_MESSAGE_BYTES = 1_048_588;

/** The least a send takes on the wire: the batch's header and each record's key, value and headers. */
function batchBytes(record: ProducerRecord): number {
  const bytes = (value: unknown) => (value === undefined || value === null ? 0 : Buffer.byteLength(value as string));
  return record.messages.reduce(
    (sum, m) =>
      sum +
      bytes(m.key) +
      bytes(m.value) +
      Object.entries(m.headers ?? {}).reduce((headers, [name, value]) => headers + bytes(name) + bytes(value), 0),
    61,
  );
}

/** kafkajs in memory: the producers it made, what they sent, and the topics created. */
class FakeKafka {
  readonly producers: Array<{ config: ProducerConfig; sent: ProducerRecord[]; disconnected: boolean }> = [];
  readonly createdTopics: ITopicConfig[] = [];
  sendFailure: Error | undefined;
  /** Sends to this partition fail, the others are acknowledged. */
  failingPartition: number | undefined;
  brokers = 3;
  /** The topic as it already exists on the cluster, if it does. */
  existing: { replicas: number; minInsync: string; maxMessageBytes?: string; cleanupPolicy?: string } | undefined;
  /** Sends after this many acknowledged ones fail, as a connection lost between two sends does. */
  acknowledgedSendsBeforeFailing: number | undefined;
  /** The partitions the topic has; a send to another one resolves with no receipt, as kafkajs's does. */
  partitions = 3;

  producer(config: ProducerConfig = {}): Producer {
    const made = { config, sent: [] as ProducerRecord[], disconnected: false };
    this.producers.push(made);
    return {
      connect: async () => undefined,
      disconnect: async () => {
        made.disconnected = true;
      },
      send: async (record: ProducerRecord) => {
        if (this.sendFailure !== undefined) throw this.sendFailure;
        if (this.existing === undefined) throw this.topicMissing;
        if (record.messages.some((m) => m.partition === this.failingPartition))
          throw new KafkaJSConnectionError('connect ECONNREFUSED');
        if (batchBytes(record) > BROKER_MAX_MESSAGE_BYTES) throw protocolError('MESSAGE_TOO_LARGE', false);
        if (
          this.acknowledgedSendsBeforeFailing !== undefined &&
          made.sent.length >= this.acknowledgedSendsBeforeFailing
        )
          throw new KafkaJSConnectionError('Connection error: read ECONNRESET');
        const partitions = [...new Set(record.messages.map((m) => m.partition))];
        if (partitions.some((partition) => partition === undefined || partition >= this.partitions)) return [];
        made.sent.push(record);
        return partitions.map((partition) => ({ topicName: record.topic, partition, errorCode: 0, baseOffset: '0' }));
      },
    } as unknown as Producer;
  }

  private topicMissing: Error | undefined;

  /** An operator deletes the topic: sends fail with this error (the broker's answer, as kafkajs wrapped it). */
  deleteTopic(failure: Error): void {
    this.existing = undefined;
    this.topicMissing = failure;
  }

  /** The admin client cannot connect, as when the cluster is out of reach. */
  adminUnreachable = false;

  admin(): Admin {
    return {
      connect: async () => {
        if (this.adminUnreachable) throw new KafkaJSConnectionError('connect ECONNREFUSED');
      },
      disconnect: async () => undefined,
      describeCluster: async () => ({ brokers: Array.from({ length: this.brokers }, (_, nodeId) => ({ nodeId })) }),
      createTopics: async ({ topics }: { topics: ITopicConfig[] }) => {
        if (this.existing !== undefined) return false;
        this.createdTopics.push(...topics);
        const [created] = topics;
        const minInsync = created!.configEntries!.find((entry) => entry.name === 'min.insync.replicas')!.value;
        this.existing = { replicas: created!.replicationFactor!, minInsync };
        return true;
      },
      fetchTopicMetadata: async () => ({
        topics: [
          {
            partitions: Array.from({ length: this.partitions }, (_, partitionId) => ({
              partitionId,
              replicas: Array(this.existing!.replicas).fill(0),
            })),
          },
        ],
      }),
      describeConfigs: async () => ({
        resources: [
          {
            configEntries: [
              { configName: 'min.insync.replicas', configValue: this.existing!.minInsync },
              ...(this.existing!.maxMessageBytes === undefined
                ? []
                : [{ configName: 'max.message.bytes', configValue: this.existing!.maxMessageBytes }]),
              ...(this.existing!.cleanupPolicy === undefined
                ? []
                : [{ configName: 'cleanup.policy', configValue: this.existing!.cleanupPolicy }]),
            ],
          },
        ],
      }),
    } as unknown as Admin;
  }
}

describe('KafkaEventPublisher', () => {
  let kafka: FakeKafka;
  let publisher: KafkaEventPublisher;
  let layouts: TopicLayout[];
  const publisherWith = (settings: Partial<PublishSettings> = {}) =>
    new KafkaEventPublisher(
      kafka as unknown as Kafka,
      { topic: 'campaign-events', topicPartitions: 3, eventSource: '/campaign-service', ...settings },
      (layout) => layouts.push(layout),
    );

  beforeEach(() => {
    kafka = new FakeKafka();
    layouts = [];
    publisher = publisherWith();
  });

  it('creates the topic once, when it first connects, with 3 replicas and min.insync.replicas 2 on a cluster of 3 or more', async () => {
    await publisher.connect();
    await publisher.publish([EVENT]);
    expect(kafka.createdTopics).to.deep.equal([
      {
        topic: 'campaign-events',
        numPartitions: 3,
        replicationFactor: 3,
        configEntries: [{ name: 'min.insync.replicas', value: '2' }],
      },
    ]);
    expect(layouts).to.deep.equal([
      {
        topic: 'campaign-events',
        created: true,
        partitions: 3,
        replicationFactor: 3,
        minInsyncReplicas: 2,
        maxMessageBytes: 1_048_588,
        cleanupPolicy: 'delete',
        brokers: 3,
        replicasFromLiveBrokers: false,
      },
    ]);
  });

  it('creates the topic with as many replicas as the cluster has brokers when it has fewer than 3', async () => {
    kafka.brokers = 1;
    await publisher.connect();
    expect(kafka.createdTopics[0]).to.deep.include({
      replicationFactor: 1,
      configEntries: [{ name: 'min.insync.replicas', value: '1' }],
    });
  });

  it('creates the topic with the configured replication factor and min.insync.replicas', async () => {
    kafka.brokers = 5;
    await publisherWith({ topicReplicationFactor: 5, topicMinInsyncReplicas: 3 }).connect();
    expect(kafka.createdTopics[0]).to.deep.include({
      replicationFactor: 5,
      configEntries: [{ name: 'min.insync.replicas', value: '3' }],
    });
  });

  it('reads the settings of a topic that exists, and reports them as the cluster has them', async () => {
    kafka.existing = { replicas: 1, minInsync: '1', maxMessageBytes: '2000', cleanupPolicy: 'compact' };
    await publisher.connect();
    expect(kafka.createdTopics).to.deep.equal([]);
    expect(layouts).to.deep.equal([
      {
        topic: 'campaign-events',
        created: false,
        partitions: 3,
        replicationFactor: 1,
        minInsyncReplicas: 1,
        maxMessageBytes: 2_000,
        cleanupPolicy: 'compact',
        brokers: 3,
        replicasFromLiveBrokers: false,
      },
    ]);
  });

  it('creates the topic again when a send finds it deleted, however kafkajs wrapped the broker’s answer, and publishes to it (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(aWrapping, { maxLength: 3 }), async (wrappers) => {
        kafka = new FakeKafka();
        layouts = [];
        publisher = publisherWith();
        await publisher.publish([EVENT]);
        const failure = wrapped(protocolError('UNKNOWN_TOPIC_OR_PARTITION', true), wrappers);
        kafka.deleteTopic(failure);
        await expect(publisher.publish([EVENT])).to.be.rejected;
        await publisher.publish([EVENT]);
        expect(kafka.createdTopics).to.have.length(2);
        expect(layouts.map((layout) => layout.created)).to.deep.equal([true, true]);
        expect(kafka.producers.flatMap((producer) => producer.sent)).to.have.length(2);
      }),
      propertyParameters(50),
    );
  });

  it('takes no send for acknowledged that kafkajs resolved without writing, to a partition a recreated topic no longer has, and publishes on the partitions it has (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }),
        fc.uniqueArray(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), { minLength: 1, maxLength: 20 }),
        async (fewer, ids) => {
          kafka = new FakeKafka();
          publisher = publisherWith();
          await publisher.connect();
          kafka.partitions = fewer;
          const events = ids.map((id, i) => ({
            ...EVENT,
            sequence: BigInt(i),
            eventId: `e${i}`,
            aggregateId: String(id),
          }));
          const onPartitionsLeft = events.filter((event) => partitionOf(event.aggregateId) < fewer);
          const outcome = await publisher.publish(events).then(
            () => undefined,
            (refusal: unknown) => refusal,
          );
          const acknowledged = outcome instanceof PartlyPublished ? outcome.acknowledged : outcome ? [] : events;
          expect(acknowledged.map((event) => event.eventId).sort()).to.deep.equal(
            onPartitionsLeft.map((event) => event.eventId).sort(),
          );
          const rest = events.filter((event) => !acknowledged.includes(event));
          if (rest.length > 0) await publisher.publish(rest);
          const sent = kafka.producers.flatMap((producer) => producer.sent).flatMap((record) => record.messages);
          expect(sent.map((message) => message.headers!.ce_id).sort()).to.deep.equal(
            events.map((event) => event.eventId).sort(),
          );
          for (const event of rest)
            expect(publisher.laneOf(event)).to.equal(String(partitionOfKey(event.aggregateId, fewer)));
          expect(publisher.laneCount()).to.equal(rest.length > 0 ? fewer : 3);
        },
      ),
      propertyParameters(50),
    );
  });

  it('reads the partitions again at a connect once its layout is older than the most it keeps one, and replaces the producer only when their number changed', async () => {
    publisher = publisherWith({ topicLayoutMaxAgeMs: 0 });
    await publisher.connect();
    await publisher.publish([EVENT]);
    await publisher.connect();
    expect(kafka.producers, 'the partitions unchanged').to.have.length(1);
    expect(layouts).to.have.length(1);
    kafka.partitions = 5;
    await publisher.connect();
    expect(publisher.laneCount()).to.equal(5);
    expect(layouts.map((layout) => layout.partitions)).to.deep.equal([3, 5]);
    expect(kafka.producers[0]!.disconnected).to.equal(true);
    await publisher.publish([EVENT]);
    expect(kafka.producers).to.have.length(2);
    expect(kafka.producers[1]!.sent[0]!.messages[0]!.partition).to.equal(partitionOfKey(EVENT.aggregateId, 5));
  });

  it('keeps its layout and producer, and connects all the same, when reading the partitions again fails', async () => {
    publisher = publisherWith({ topicLayoutMaxAgeMs: 0 });
    await publisher.connect();
    await publisher.publish([EVENT]);
    kafka.adminUnreachable = true;
    await publisher.connect();
    expect(publisher.laneCount()).to.equal(3);
    expect(kafka.producers).to.have.length(1);
    expect(kafka.producers[0]!.disconnected).to.equal(false);
  });

  it('keeps the layout it read until it is older than the most it keeps one', async () => {
    await publisher.connect();
    kafka.partitions = 5;
    await publisher.connect();
    expect(publisher.laneCount()).to.equal(3);
  });

  it('uses one idempotent producer with one request in flight', async () => {
    await publisher.publish([EVENT]);
    await publisher.publish([EVENT]);
    expect(kafka.producers).to.have.length(1);
    expect(kafka.producers[0]!.config).to.include({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  });

  it("sends each partition's events of a batch in one request naming the partition, acknowledged by all in-sync replicas", async () => {
    await publisher.publish([EVENT, { ...EVENT, sequence: 13n, eventId: 'another' }]);
    const [record] = kafka.producers[0]!.sent;
    expect(record).to.deep.include({ topic: 'campaign-events', acks: -1 });
    expect(record!.messages.map((m) => m.headers?.ce_id)).to.deep.equal([EVENT.eventId, 'another']);
    expect(record!.messages.map((m) => m.partition)).to.deep.equal([
      partitionOf(EVENT.aggregateId),
      partitionOf(EVENT.aggregateId),
    ]);
  });

  it('puts every campaign on the partition the murmur2 partitioner gives its id, one send per partition, in batch order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), { minLength: 1, maxLength: 30 }),
        async (ids) => {
          kafka = new FakeKafka();
          const events = ids.map((id, i) => ({
            ...EVENT,
            sequence: BigInt(i),
            eventId: `e${i}`,
            aggregateId: String(id),
          }));
          await publisherWith().publish(events);
          const sent = kafka.producers[0]!.sent;
          expect(new Set(sent.map((record) => record.messages[0]!.partition)).size).to.equal(sent.length);
          for (const record of sent) {
            for (const message of record.messages) expect(message.partition).to.equal(partitionOf(String(message.key)));
            const sequences = record.messages.map((m) => Number(String(m.headers!.ce_id).slice(1)));
            expect(sequences).to.deep.equal([...sequences].sort((a, b) => a - b));
          }
          expect(sent.flatMap((record) => record.messages)).to.have.length(events.length);
        },
      ),
      propertyParameters(50),
    );
  });

  it("gives as an event's lane the partition its message is sent to, and as many lanes as the topic has partitions, once connected", async () => {
    expect(() => publisher.laneOf(EVENT)).to.throw('not known before the publisher connected');
    expect(publisher.laneCount()).to.equal(undefined);
    const events = Array.from({ length: 30 }, (_, i) => ({
      ...EVENT,
      sequence: BigInt(i),
      eventId: `e${i}`,
      aggregateId: String(7_000_000 + i * 31),
    }));
    await publisher.connect();
    await publisher.publish(events);
    const sentTo = new Map(
      kafka.producers[0]!.sent.flatMap((record) =>
        record.messages.map((m) => [m.headers!.ce_id, String(m.partition)] as const),
      ),
    );
    expect(events.map((event) => publisher.laneOf(event))).to.deep.equal(
      events.map((event) => sentTo.get(event.eventId)),
    );
    expect(new Set(sentTo.values()).size).to.equal(3);
    expect(publisher.laneCount()).to.equal(3);
  });

  it('says which events were acknowledged when a partition refuses its send and the others acknowledge theirs', async () => {
    const events = Array.from({ length: 12 }, (_, i) => ({
      ...EVENT,
      sequence: BigInt(i),
      eventId: `e${i}`,
      aggregateId: String(1000 + i),
    }));
    kafka.failingPartition = partitionOf(events[0]!.aggregateId);
    const error = await publisher.publish(events).then(
      () => undefined,
      (refusal: unknown) => refusal,
    );
    expect(error).to.be.instanceOf(PartlyPublished);
    const acknowledged = (error as PartlyPublished).acknowledged.map((event) => event.eventId);
    expect(new Set(acknowledged)).to.deep.equal(
      new Set(events.filter((e) => partitionOf(e.aggregateId) !== kafka.failingPartition).map((e) => e.eventId)),
    );
    expect(kafka.producers).to.have.length(1);
  });

  it('publishes every batch, however large its events, in sends the broker takes, each partition in order (generated)', async () => {
    const sizes = fc.constantFrom(200, 40_000, 300_000, 599_000);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), sizes), { minLength: 1, maxLength: 12 }),
        async (picks) => {
          kafka = new FakeKafka();
          const events = picks.map(([campaign, size], i) => ({
            ...EVENT,
            sequence: BigInt(i),
            eventId: `e${i}`,
            aggregateId: String(9_000_000_000_000_000_000n + BigInt(campaign)),
            payloadJson: JSON.stringify({ n: 'x'.repeat(size) }),
          }));
          await publisherWith().publish(events);
          const sent = kafka.producers[0]!.sent;
          for (const record of sent) expect(batchBytes(record)).to.be.at.most(BROKER_MAX_MESSAGE_BYTES);
          for (const partition of [0, 1, 2]) {
            const received = sent.flatMap((r) => r.messages.filter((m) => m.partition === partition));
            const expected = events.filter((e) => partitionOf(e.aggregateId) === partition);
            expect(received.map((m) => m.headers!.ce_id)).to.deep.equal(expected.map((e) => e.eventId));
          }
        },
      ),
      propertyParameters(40),
    );
  });

  it("says which of a partition's events were acknowledged when a later send of its batch fails, and sends the rest again as before", async () => {
    const events = Array.from({ length: 4 }, (_, i) => ({
      ...EVENT,
      sequence: BigInt(i),
      eventId: `e${i}`,
      payloadJson: JSON.stringify({ n: 'x'.repeat(400_000) }),
    }));
    kafka.acknowledgedSendsBeforeFailing = 1;
    const error = await publisher.publish(events).then(
      () => undefined,
      (refusal: unknown) => refusal,
    );
    expect(error).to.be.instanceOf(PartlyPublished);
    const acknowledged = (error as PartlyPublished).acknowledged;
    expect(acknowledged.map((event) => event.eventId)).to.deep.equal(['e0', 'e1']);
    kafka.acknowledgedSendsBeforeFailing = undefined;
    await publisher.publish(events.slice(acknowledged.length));
    const sends = kafka.producers[0]!.sent.map((record) => record.messages.map((m) => m.headers!.ce_id));
    expect(sends).to.deep.equal([
      ['e0', 'e1'],
      ['e2', 'e3'],
    ]);
  });

  it('recreates the producer after a fatal idempotence error, and says why once', async () => {
    const replaced: unknown[] = [];
    publisher = new KafkaEventPublisher(
      kafka as unknown as Kafka,
      { topic: 'campaign-events', topicPartitions: 3, eventSource: '/campaign-service' },
      undefined,
      (cause) => replaced.push(cause),
    );
    await publisher.publish([EVENT]);
    kafka.sendFailure = protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', false);
    await expect(publisher.publish([EVENT])).to.be.rejectedWith('OUT_OF_ORDER_SEQUENCE_NUMBER');
    kafka.sendFailure = undefined;
    await publisher.publish([EVENT]);
    expect(kafka.producers.map((p) => p.disconnected)).to.deep.equal([true, false]);
    expect(kafka.producers[1]!.sent).to.have.length(1);
    expect(replaced.map((cause) => (cause as Error).message)).to.deep.equal([
      'broker answered OUT_OF_ORDER_SEQUENCE_NUMBER',
    ]);
  });

  it("makes one producer for the partitions' concurrent sends after a fatal error, not one each", async () => {
    await publisher.publish([EVENT]);
    kafka.sendFailure = protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', false);
    await expect(publisher.publish([EVENT])).to.be.rejected;
    kafka.sendFailure = undefined;
    const events = Array.from({ length: 12 }, (_, i) => ({
      ...EVENT,
      sequence: BigInt(i),
      eventId: `e${i}`,
      aggregateId: String(1000 + i),
    }));
    await Promise.all(events.map((event) => publisher.publish([event])));
    expect(kafka.producers).to.have.length(2);
    expect(kafka.producers[1]!.sent.flatMap((record) => record.messages)).to.have.length(12);
  });

  it('keeps the producer (and its producer id) after running out of retries, so a resend is recognised as a repeat', async () => {
    await publisher.publish([EVENT]);
    kafka.sendFailure = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('connect ECONNREFUSED'), {
      retryCount: 3,
      retryTime: 800,
    });
    await expect(publisher.publish([EVENT])).to.be.rejectedWith('ECONNREFUSED');
    kafka.sendFailure = undefined;
    await publisher.publish([EVENT]);
    expect(kafka.producers).to.have.length(1);
  });

  it('keeps the producer after an error kafkajs will not retry that is no verdict on its idempotence (its metadata ran out of retries while a partition had no leader)', async () => {
    await publisher.publish([EVENT]);
    const noLeader = protocolError('LEADER_NOT_AVAILABLE', true);
    const metadataGaveUp = new KafkaJSNumberOfRetriesExceeded(noLeader, { retryCount: 5, retryTime: 800 });
    kafka.sendFailure = nonRetriable(metadataGaveUp);
    await expect(publisher.publish([EVENT])).to.be.rejectedWith('LEADER_NOT_AVAILABLE');
    kafka.sendFailure = nonRetriable(lockTimeout('Timeout while acquiring lock (connect to broker 127.0.0.1:9194)'));
    await expect(publisher.publish([EVENT])).to.be.rejectedWith('Timeout while acquiring lock');
    kafka.sendFailure = undefined;
    await publisher.publish([EVENT]);
    expect(kafka.producers).to.have.length(1);
    expect(kafka.producers[0]!.sent).to.have.length(2);
  });

  it('keeps the producer after an error kafkajs may retry', async () => {
    await publisher.publish([EVENT]);
    kafka.sendFailure = new KafkaJSConnectionError('connection closed');
    await expect(publisher.publish([EVENT])).to.be.rejectedWith('connection closed');
    kafka.sendFailure = undefined;
    await publisher.publish([EVENT]);
    expect(kafka.producers).to.have.length(1);
  });

  it('disconnects its producer on close', async () => {
    await publisher.publish([EVENT]);
    await publisher.close();
    expect(kafka.producers[0]!.disconnected).to.equal(true);
  });
});

describe('A campaign event as a Kafka message', () => {
  it('carries the campaign id as key, the CloudEvents attributes as ce_ headers and the stored payload as value', () => {
    expect(toKafkaMessage(EVENT, '/campaign-service')).to.deep.equal({
      key: '9007199254740993',
      value: '{"campaignId":"9007199254740993","trigger":"manual"}',
      headers: {
        ce_specversion: '1.0',
        ce_id: '0b7f7c3e-8f5e-4d7e-9a8e-3c1f2b6a9d10',
        ce_source: '/campaign-service',
        ce_type: 'CampaignStarted',
        ce_time: '2030-01-01T12:00:00.000Z',
        ce_subject: '9007199254740993',
        'content-type': 'application/json',
      },
    });
  });

  it('carries the trace context of the work that produced the event as ce_traceparent and ce_tracestate, and as traceparent and tracestate', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const headers = (traceContext: PendingEvent['traceContext']) =>
      toKafkaMessage({ ...EVENT, ...(traceContext ? { traceContext } : {}) }, '/campaign-service').headers!;
    expect(headers({ traceparent, tracestate: 'rojo=00f067aa0ba902b7' })).to.include({
      ce_traceparent: traceparent,
      ce_tracestate: 'rojo=00f067aa0ba902b7',
      traceparent,
      tracestate: 'rojo=00f067aa0ba902b7',
    });
    expect(headers({ traceparent }))
      .to.include({ ce_traceparent: traceparent, traceparent })
      .and.not.have.any.keys('ce_tracestate', 'tracestate');
    expect(headers(undefined)).to.not.have.any.keys('ce_traceparent', 'ce_tracestate', 'traceparent', 'tracestate');
  });
});

describe('isFatalForProducer', () => {
  it('is true for the idempotence errors of the broker', () => {
    for (const type of [
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
      'INVALID_PRODUCER_EPOCH',
      'UNKNOWN_PRODUCER_ID',
      'PRODUCER_FENCED',
    ]) {
      expect(isFatalForProducer(protocolError(type, true)), type).to.equal(true);
    }
  });

  it('is false for an error kafkajs will not retry that is no verdict of the broker on the producer', () => {
    expect(isFatalForProducer(new KafkaJSNonRetriableError('gave up'))).to.equal(false);
    expect(isFatalForProducer(lockTimeout('Timeout while acquiring lock'))).to.equal(false);
  });

  it('is true exactly when an idempotence error of the broker is somewhere in the chain of causes, however kafkajs wrapped it (generated)', () => {
    const idempotence = [
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
      'INVALID_PRODUCER_EPOCH',
      'INVALID_PRODUCER_ID_MAPPING',
      'UNKNOWN_PRODUCER_ID',
      'PRODUCER_FENCED',
    ];
    const other = [
      'NOT_LEADER_OR_FOLLOWER',
      'LEADER_NOT_AVAILABLE',
      'REQUEST_TIMED_OUT',
      'NOT_ENOUGH_REPLICAS',
      'UNKNOWN_TOPIC_OR_PARTITION',
      'CORRUPT_MESSAGE',
      'INVALID_REQUEST',
    ];
    const root = fc.oneof(
      fc.record({
        kind: fc.constant('protocol' as const),
        type: fc.constantFrom(...idempotence, ...other),
        retriable: fc.boolean(),
      }),
      fc.constantFrom({ kind: 'connection' as const }, { kind: 'lock' as const }, { kind: 'plain' as const }),
    );
    fc.assert(
      fc.property(root, fc.array(aWrapping, { maxLength: 4 }), (cause, wrappers) => {
        const failure: Error =
          cause.kind === 'protocol'
            ? protocolError(cause.type, cause.retriable)
            : cause.kind === 'connection'
              ? new KafkaJSConnectionError('connect ECONNREFUSED')
              : cause.kind === 'lock'
                ? lockTimeout('Timeout while acquiring lock')
                : new Error('socket hang up');
        const error = wrapped(failure, wrappers);
        const expected = cause.kind === 'protocol' && idempotence.includes(cause.type);
        expect(isFatalForProducer(error)).to.equal(expected);
      }),
      propertyParameters(300),
    );
  });

  it('is false for running out of retries on errors that could be retried, and true when an idempotence error ran out', () => {
    const refused = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('refused'), {
      retryCount: 3,
      retryTime: 800,
    });
    expect(isFatalForProducer(refused)).to.equal(false);
    const outOfOrder = protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', true);
    expect(
      isFatalForProducer(new KafkaJSNumberOfRetriesExceeded(outOfOrder, { retryCount: 3, retryTime: 800 })),
    ).to.equal(true);
  });

  it('is false for an error kafkajs may retry', () => {
    expect(isFatalForProducer(new KafkaJSConnectionError('refused'))).to.equal(false);
    expect(isFatalForProducer(new Error('anything else'))).to.equal(false);
  });
});
