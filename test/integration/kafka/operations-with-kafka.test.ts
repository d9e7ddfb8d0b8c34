import { SQLITE } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, stoppableBroker } from '../../support/kafka-global.js';
import type { LocalKafkaBroker } from '../../support/local-kafka-broker.js';
import { sample } from '../../support/metric-sample.js';
import { TestService } from '../../support/test-service.js';
import { TopicReader, uniqueTopic } from '../../support/topic-reader.js';

describe('Readiness and metrics while the relay publishes to Kafka (SQLite)', function () {
  this.timeout(120_000);
  const topic = uniqueTopic('operations');
  let broker: LocalKafkaBroker;
  let service: TestService;

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    broker = await stoppableBroker();
    service = await TestService.start(SQLITE, { env: { KAFKA_BROKERS: broker.brokers, KAFKA_TOPIC: topic } });
    // The relay creates the topic when it connects; wait for that before anything else.
    await (await TopicReader.open(broker.brokers, topic)).close();
  });
  after(() => service?.stop());

  const ready = () => service.request('GET', '/health/ready', { token: null });
  const scrape = async () => (await service.request('GET', '/metrics', { token: null })).text;
  const startOne = async () => {
    const id = await service.createCampaign();
    expect((await service.request('POST', `/api/v1/campaigns/${id}/start`)).status).to.equal(200);
  };

  it('reports the relay running, and times and counts what it publishes', async () => {
    await startOne();
    await eventually('the outbox is empty again', async () => (await ready()).body.outbox.backlog === 0);
    const answer = await ready();
    expect(answer.status).to.equal(200);
    expect(answer.body.status).to.equal('ready');
    expect(answer.body.relay.state).to.equal('running');
    const text = await scrape();
    expect(sample(text, 'outbox_relay_published_events_total')).to.be.at.least(1);
    expect(sample(text, 'outbox_relay_publish_duration_seconds_count')).to.be.at.least(1);
    expect(sample(text, 'outbox_backlog_events')).to.equal(0);
  });

  it('reports degraded, still 200, while the broker is down, and ready once it is back', async () => {
    await broker.stop();
    try {
      await startOne();
      await eventually(
        'readiness reports the broker unreachable',
        async () => (await ready()).body.status === 'degraded',
        {
          timeoutMs: 30_000,
        },
      );
      const answer = await ready();
      expect(answer.status).to.equal(200);
      expect(answer.body.relay).to.include({ state: 'broker-unreachable' });
      expect(answer.body.outbox.backlog).to.be.at.least(1);
      expect((await service.request('GET', '/health/live', { token: null })).status).to.equal(200);
      const metrics = await scrape();
      expect(sample(metrics, 'outbox_relay_errors_total{cause="broker"}')).to.be.at.least(1);
      expect(sample(metrics, 'outbox_relay_errors_total{cause="database"}')).to.equal(0);
    } finally {
      await broker.start();
    }
    await eventually(
      'the relay publishes again',
      async () => {
        const { body } = await ready();
        return body.status === 'ready' && body.outbox.backlog === 0;
      },
      { timeoutMs: 60_000 },
    );
  });
});
