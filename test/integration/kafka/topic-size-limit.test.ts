import pino from 'pino';
import { partitionOfKey } from '../../../src/adapters/messaging/key-partition.js';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, testKafkaBrokers } from '../../support/kafka-global.js';
import { LogLines } from '../../support/log-lines.js';
import { TestService } from '../../support/test-service.js';
import { TopicReader, testKafkaClient, uniqueTopic } from '../../support/topic-reader.js';

/** The largest record batch the topic takes: a few events, where the relay's sends hold up to 1,000,000 bytes. */
const MAX_MESSAGE_BYTES = 4_000;

/** Ids of campaigns whose events share one partition of a topic of three. */
function idsOnOnePartition(count: number): string[] {
  const ids: string[] = [];
  for (let id = 7_200_000_000_000_000_001n; ids.length < count; id++) {
    if (partitionOfKey(String(id), 3) === 0) ids.push(String(id));
  }
  return ids;
}

describe("A topic whose max.message.bytes is below the relay's sends (SQLite)", function () {
  this.timeout(120_000);
  const topic = uniqueTopic('size-limit');
  let brokers: string;
  let service: TestService | undefined;
  let reader: TopicReader | undefined;
  const logs = new LogLines();

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    brokers = await testKafkaBrokers();
    const admin = testKafkaClient(brokers).admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          {
            topic,
            numPartitions: 3,
            replicationFactor: 1,
            configEntries: [{ name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) }],
          },
        ],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
  });
  after(async () => {
    await reader?.close();
    await service?.stop();
  });

  it('gets every event waiting for one partition, in order, in sends the topic takes, and warns of the limit', async () => {
    const ids = idsOnOnePartition(20);
    const withoutBroker = await TestService.start(SQLITE);
    for (const id of ids) {
      const created = await withoutBroker.request('POST', '/api/v1/campaigns', { body: { id, name: `Sized ${id}` } });
      expect(created.status).to.equal(200);
      expect((await withoutBroker.request('POST', `/api/v1/campaigns/${id}/start`)).status).to.equal(200);
    }
    const database = await withoutBroker.stopKeepingDatabase();

    service = await TestService.start(SQLITE, {
      database,
      env: { KAFKA_BROKERS: brokers, KAFKA_TOPIC: topic },
      logger: pino({ level: 'info' }, logs),
    });
    reader = await TopicReader.open(brokers, topic);
    const messages = await reader.waitForKeys(ids, ids.length, 60_000);

    expect(messages.map((message) => message.key)).to.deep.equal(ids);
    expect(messages.map((message) => message.headers.ce_type)).to.deep.equal(ids.map(() => 'CampaignStarted'));
    const bytes = messages.reduce((sum, message) => sum + message.value!.length, 0);
    expect(bytes, 'the events together').to.be.above(MAX_MESSAGE_BYTES);
    const warned = logs.withMessage('Kafka topic refuses the largest events the service may write');
    expect(warned).to.have.length(1);
    expect(warned[0]).to.include({ maxMessageBytes: MAX_MESSAGE_BYTES });
  });
});
