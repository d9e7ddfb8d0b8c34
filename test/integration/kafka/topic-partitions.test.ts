import type { Admin, Kafka } from 'kafkajs';
import { KafkaEventPublisher } from '../../../src/adapters/messaging/kafka-event-publisher.js';
import { partitionOfKey } from '../../../src/adapters/messaging/key-partition.js';
import { PartlyPublished, type PendingEvent } from '../../../src/application/index.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, testKafkaBrokers } from '../../support/kafka-global.js';
import { TopicReader, testKafkaClient, uniqueTopic } from '../../support/topic-reader.js';

const SOURCE = '/campaign-service';

function startedEvent(sequence: number, campaignId: string): PendingEvent {
  return {
    sequence: BigInt(sequence),
    eventId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    type: 'CampaignStarted',
    aggregateId: campaignId,
    occurredAt: new Date('2030-01-01T12:00:00.000Z'),
    payloadJson: JSON.stringify({ campaignId, trigger: 'manual' }),
  };
}

/** Campaign ids whose keys fall on every partition of a topic of `partitions`, `perPartition` of each. */
function campaignsOnEveryPartition(partitions: number, perPartition: number): string[] {
  const ids: string[] = [];
  const counts = new Array<number>(partitions).fill(0);
  for (let id = 1; counts.some((count) => count < perPartition); id++) {
    const partition = partitionOfKey(String(id), partitions);
    if (counts[partition]! < perPartition) {
      counts[partition]!++;
      ids.push(String(id));
    }
  }
  return ids;
}

/** Publishes as the relay does: what a failed attempt left unacknowledged is sent again, until all are. */
async function publishUntilAcknowledged(publisher: KafkaEventPublisher, events: readonly PendingEvent[]) {
  let waiting = [...events];
  for (let attempt = 1; waiting.length > 0; attempt++) {
    try {
      await publisher.publish(waiting);
      waiting = [];
    } catch (error) {
      if (attempt >= 20) throw error;
      if (error instanceof PartlyPublished) waiting = waiting.filter((event) => !error.acknowledged.includes(event));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function recreateTopic(admin: Admin, topic: string, partitions: number): Promise<void> {
  await admin.deleteTopics({ topics: [topic] });
  await eventually(`topic ${topic} is deleted`, async () => !(await admin.listTopics()).includes(topic), {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  await eventually(
    `topic ${topic} is created again with ${partitions} partitions`,
    () =>
      admin
        .createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true })
        .catch(() => false),
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

describe('Publishing to a topic whose partitions changed under the service', function () {
  this.timeout(90_000);
  let brokers: string;
  let kafka: Kafka;
  let admin: Admin;

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    brokers = await testKafkaBrokers();
    kafka = testKafkaClient(brokers);
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
  });

  it('uses partitions added to the topic while it runs once its layout is older than the most it keeps one, as a Java producer does within metadata.max.age.ms', async () => {
    const topic = uniqueTopic('more-partitions');
    const publisher = new KafkaEventPublisher(kafka, {
      topic,
      topicPartitions: 2,
      eventSource: SOURCE,
      topicLayoutMaxAgeMs: 0,
    });
    try {
      await publisher.connect();
      await publishUntilAcknowledged(publisher, [startedEvent(1, '9007199254740993')]);
      await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
      await publisher.connect();
      expect(publisher.laneCount()).to.equal(4);
      const events = campaignsOnEveryPartition(4, 2).map((id, i) => startedEvent(10 + i, id));
      await publishUntilAcknowledged(publisher, events);
      const reader = await TopicReader.open(brokers, topic);
      try {
        const read = await reader.waitForKeys(events.map((event) => event.aggregateId));
        for (const message of read) expect(message.partition).to.equal(partitionOfKey(message.key!, 4));
        expect(read).to.have.length(events.length);
      } finally {
        await reader.close();
      }
    } finally {
      await publisher.close();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    }
  });

  it('writes every acknowledged event when the topic was recreated with fewer partitions: none is taken for written on a partition that is gone', async () => {
    const topic = uniqueTopic('fewer-partitions');
    const publisher = new KafkaEventPublisher(kafka, { topic, topicPartitions: 3, eventSource: SOURCE });
    const reader = await (async () => {
      await publisher.connect();
      return TopicReader.open(brokers, topic);
    })();
    try {
      const before = campaignsOnEveryPartition(3, 2).map((id, i) => startedEvent(i + 1, id));
      await publishUntilAcknowledged(publisher, before);
      await reader.waitForKeys(before.map((event) => event.aggregateId));
      await reader.close();

      await recreateTopic(admin, topic, 1);
      const after = campaignsOnEveryPartition(3, 3).map((id, i) => startedEvent(100 + i, id));
      await publishUntilAcknowledged(publisher, after);

      const afterwards = await TopicReader.open(brokers, topic);
      try {
        const read = await afterwards.waitForKeys(
          after.map((event) => event.aggregateId),
          after.length,
          20_000,
        );
        expect(read.map((message) => message.headers.ce_id).sort()).to.deep.equal(
          after.map((event) => event.eventId).sort(),
        );
        expect(read.every((message) => message.partition === 0)).to.equal(true);
        expect(publisher.laneCount()).to.equal(1);
      } finally {
        await afterwards.close();
      }
    } finally {
      await publisher.close();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    }
  });
});
