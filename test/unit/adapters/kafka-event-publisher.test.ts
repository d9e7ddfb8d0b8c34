import kafkajs, { type Admin, type Kafka, type Producer, type ProducerConfig, type ProducerRecord } from 'kafkajs';
import type { PendingEvent } from '../../../src/application/index.js';
import { toKafkaMessage } from '../../../src/adapters/messaging/cloud-event-message.js';
import { KafkaEventPublisher } from '../../../src/adapters/messaging/kafka-event-publisher.js';
import { isFatalForProducer } from '../../../src/adapters/messaging/producer-errors.js';
import { expect } from '../../support/expect.js';

const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

const EVENT: PendingEvent = {
  sequence: 12n,
  eventId: '0b7f7c3e-8f5e-4d7e-9a8e-3c1f2b6a9d10',
  type: 'CampaignStarted',
  aggregateId: '9007199254740993',
  occurredAt: new Date('2030-01-01T12:00:00.000Z'),
  payloadJson: '{"campaignId":"9007199254740993","trigger":"manual"}',
};

/** The error kafkajs makes of a broker's error code. */
function protocolError(type: string, retriable: boolean): Error {
  return new KafkaJSProtocolError({ message: `broker answered ${type}`, type, code: 0, retriable } as unknown as Error);
}

/** kafkajs in memory: the producers it made, what they sent, and the topics created. */
class FakeKafka {
  readonly producers: Array<{ config: ProducerConfig; sent: ProducerRecord[]; disconnected: boolean }> = [];
  readonly createdTopics: Array<{ topic: string; numPartitions?: number }> = [];
  sendFailure: Error | undefined;

  producer(config: ProducerConfig = {}): Producer {
    const made = { config, sent: [] as ProducerRecord[], disconnected: false };
    this.producers.push(made);
    return {
      connect: async () => undefined,
      disconnect: async () => void (made.disconnected = true),
      send: async (record: ProducerRecord) => {
        if (this.sendFailure !== undefined) throw this.sendFailure;
        made.sent.push(record);
        return [];
      },
    } as unknown as Producer;
  }

  admin(): Admin {
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      createTopics: async ({ topics }: { topics: Array<{ topic: string; numPartitions?: number }> }) => {
        this.createdTopics.push(...topics);
        return true;
      },
    } as unknown as Admin;
  }
}

describe('KafkaEventPublisher', () => {
  let kafka: FakeKafka;
  let publisher: KafkaEventPublisher;

  beforeEach(() => {
    kafka = new FakeKafka();
    publisher = new KafkaEventPublisher(kafka as unknown as Kafka, {
      topic: 'campaign-events',
      topicPartitions: 3,
      eventSource: '/campaign-service',
    });
  });

  it('creates the topic with the configured partitions once, when it first connects', async () => {
    await publisher.connect();
    await publisher.publish([EVENT]);
    expect(kafka.createdTopics).to.deep.equal([{ topic: 'campaign-events', numPartitions: 3 }]);
  });

  it('uses one idempotent producer with one request in flight', async () => {
    await publisher.publish([EVENT]);
    await publisher.publish([EVENT]);
    expect(kafka.producers).to.have.length(1);
    expect(kafka.producers[0]!.config).to.include({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  });

  it('sends a whole batch in one request, acknowledged by all in-sync replicas', async () => {
    await publisher.publish([EVENT, { ...EVENT, sequence: 13n, eventId: 'another' }]);
    const [record] = kafka.producers[0]!.sent;
    expect(record).to.deep.include({ topic: 'campaign-events', acks: -1 });
    expect(record!.messages.map((m) => m.headers?.ce_id)).to.deep.equal([EVENT.eventId, 'another']);
  });

  it('recreates the producer after a fatal idempotence error', async () => {
    await publisher.publish([EVENT]);
    kafka.sendFailure = protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', false);
    await expect(publisher.publish([EVENT])).to.be.rejectedWith('OUT_OF_ORDER_SEQUENCE_NUMBER');
    kafka.sendFailure = undefined;
    await publisher.publish([EVENT]);
    expect(kafka.producers.map((p) => p.disconnected)).to.deep.equal([true, false]);
    expect(kafka.producers[1]!.sent).to.have.length(1);
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

  it('carries the trace context of the work that produced the event as ce_traceparent and ce_tracestate', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const headers = (traceContext: PendingEvent['traceContext']) =>
      toKafkaMessage({ ...EVENT, ...(traceContext ? { traceContext } : {}) }, '/campaign-service').headers!;
    expect(headers({ traceparent, tracestate: 'rojo=00f067aa0ba902b7' })).to.include({ ce_traceparent: traceparent, ce_tracestate: 'rojo=00f067aa0ba902b7' });
    expect(headers({ traceparent })).to.include({ ce_traceparent: traceparent }).and.not.have.property('ce_tracestate');
    expect(headers(undefined)).to.not.have.any.keys('ce_traceparent', 'ce_tracestate');
  });
});

describe('isFatalForProducer', () => {
  it('is true for the idempotence errors of the broker', () => {
    for (const type of ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_EPOCH', 'UNKNOWN_PRODUCER_ID', 'PRODUCER_FENCED']) {
      expect(isFatalForProducer(protocolError(type, true)), type).to.equal(true);
    }
  });

  it('is true for an error kafkajs will not retry, including running out of retries', () => {
    expect(isFatalForProducer(new KafkaJSNonRetriableError('gave up'))).to.equal(true);
    const cause = new KafkaJSConnectionError('refused');
    expect(isFatalForProducer(new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 3, retryTime: 800 }))).to.equal(true);
  });

  it('is false for an error kafkajs may retry', () => {
    expect(isFatalForProducer(new KafkaJSConnectionError('refused'))).to.equal(false);
    expect(isFatalForProducer(new Error('anything else'))).to.equal(false);
  });
});
