import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, stoppableBroker } from '../../support/kafka-global.js';
import type { LocalKafkaBroker } from '../../support/local-kafka-broker.js';
import { TestService } from '../../support/test-service.js';
import { TopicReader, uniqueTopic } from '../../support/topic-reader.js';

describe('Starts while the Kafka broker is down (SQLite)', function () {
  this.timeout(120_000);
  const topic = uniqueTopic('outage');
  let broker: LocalKafkaBroker;
  let service: TestService;
  let reader: TopicReader | undefined;

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    broker = await stoppableBroker();
    service = await TestService.start(SQLITE, { env: { KAFKA_BROKERS: broker.brokers, KAFKA_TOPIC: topic } });
    // The relay creates the topic when it connects; wait for that before taking the broker away.
    await (await TopicReader.open(broker.brokers, topic)).close();
  });
  after(async () => {
    await reader?.close();
    await service?.stop();
  });

  it('answers all 20 starts with 200, keeps their events in the outbox, and delivers all 20 once the broker is back', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => service.createCampaign()));
    await broker.stop();
    try {
      const answers = await Promise.all(ids.map((id) => service.request('POST', `/api/v1/campaigns/${id}/start`)));
      expect(answers.map((answer) => answer.status)).to.deep.equal(Array(20).fill(200));
      const waiting = await service.db('outbox').whereNull('published_at').count({ count: '*' }).first();
      expect(Number(waiting?.count)).to.equal(20);
    } finally {
      await broker.start();
    }

    reader = await TopicReader.open(broker.brokers, topic);
    const messages = await reader.waitForKeys(ids, 20, 60_000);
    const eventIds = (await service.outboxRows()).map((row) => row.event_id);
    expect(new Set(messages.map((m) => m.headers.ce_id))).to.deep.equal(new Set(eventIds));
    expect(new Set(messages.map((m) => m.key))).to.deep.equal(new Set(ids));
  });
});
