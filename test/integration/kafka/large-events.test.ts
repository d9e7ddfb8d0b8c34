import { partitionOfKey } from '../../../src/adapters/messaging/key-partition.js';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, testKafkaBrokers } from '../../support/kafka-global.js';
import { inDays, TestService } from '../../support/test-service.js';
import { TopicReader, uniqueTopic } from '../../support/topic-reader.js';

/** Ids of campaigns whose events share one partition of a topic of three. */
function idsOnOnePartition(count: number): string[] {
  const ids: string[] = [];
  for (let id = 7_100_000_000_000_000_001n; ids.length < count; id++) {
    if (partitionOfKey(String(id), 3) === 0) ids.push(String(id));
  }
  return ids;
}

/** A campaign near the content limit: its CampaignStarted event is about 450 KB. */
const largeCampaign = (id: string) => ({
  id,
  name: `Large ${id}`,
  startAt: inDays(1),
  campaignMessages: Array.from({ length: 5 }, (_, i) => ({
    name: `message ${i}`,
    message: 'x'.repeat(90_000),
    application: { appId: 'shop' },
  })),
});

describe('Large events waiting in the outbox for a broker (SQLite)', function () {
  this.timeout(120_000);
  const topic = uniqueTopic('large-events');
  let brokers: string;
  let service: TestService | undefined;
  let reader: TopicReader | undefined;

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    brokers = await testKafkaBrokers();
  });
  after(async () => {
    await reader?.close();
    await service?.stop();
  });

  it('are all published once a broker is configured, though together they hold more than a record batch may', async () => {
    const ids = idsOnOnePartition(3);
    const withoutBroker = await TestService.start(SQLITE);
    for (const id of ids) {
      expect((await withoutBroker.request('POST', '/api/v1/campaigns', { body: largeCampaign(id) })).status).to.equal(
        200,
      );
      expect((await withoutBroker.request('POST', `/api/v1/campaigns/${id}/start`)).status).to.equal(200);
    }
    const database = await withoutBroker.stopKeepingDatabase();

    service = await TestService.start(SQLITE, { database, env: { KAFKA_BROKERS: brokers, KAFKA_TOPIC: topic } });
    reader = await TopicReader.open(brokers, topic);
    const messages = await reader.waitForKeys(ids, 3, 60_000);

    expect(messages.map((message) => message.key)).to.deep.equal(ids);
    expect(messages.map((message) => message.headers.ce_type)).to.deep.equal(Array(3).fill('CampaignStarted'));
    expect(Math.min(...messages.map((message) => message.value!.length))).to.be.above(450_000);
  });
});
