import type { Knex } from 'knex';
import { TYPES } from '../../../src/composition/types.js';
import { SQLITE } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, testKafkaBrokers } from '../../support/kafka-global.js';
import { RelayProcess } from '../../support/relay-process.js';
import { TestService } from '../../support/test-service.js';
import { TopicReader, uniqueTopic } from '../../support/topic-reader.js';

describe('`npm run relay` beside a service that relays too, on one SQLite file', function () {
  this.timeout(60_000);
  const topic = uniqueTopic('relay-beside-service');
  let brokers: string;
  let service: TestService;
  let relay: RelayProcess | undefined;
  let reader: TopicReader;

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    brokers = await testKafkaBrokers();
    service = await TestService.start(SQLITE, { env: { KAFKA_BROKERS: brokers, KAFKA_TOPIC: topic } });
    reader = await TopicReader.open(brokers, topic);
  });
  after(async () => {
    await relay?.kill();
    await reader?.close();
    await service?.stop();
  });

  const unpublished = async (db: Knex) =>
    Number((await db('outbox').whereNull('published_at').count({ n: '*' }))[0]!.n);

  it("stands by while the service's relay publishes: every event once, and the service's relay still holds the lease", async () => {
    const database = service.running.container.get(TYPES.Config).database;
    if (database.kind !== 'sqlite') throw new Error('this test runs on SQLite');
    relay = RelayProcess.start('cli', {
      DATABASE_URL: `sqlite:${database.filename}`,
      DATA_DIR: service.dataDir,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC: topic,
      LOG_LEVEL: 'info',
    });
    await eventually('the relay process stands by', () => relay!.output.join('').includes('outbox relay standing by'), {
      timeoutMs: 20_000,
    });

    const ids = await Promise.all(Array.from({ length: 50 }, () => service.createCampaign()));
    for (const id of ids) expect((await service.request('POST', `/api/v1/campaigns/${id}/start`)).status).to.equal(200);
    await eventually('every start is marked published', async () => (await unpublished(service.db)) === 0);
    await reader.catchUp();

    expect(reader.withKeys(ids)).to.have.length(50);
    expect(new Set(reader.withKeys(ids).map((m) => m.headers.ce_id)).size).to.equal(50);
    expect((await service.request('GET', '/health/ready')).body.relay.state).to.equal('running');
    expect(relay.output.join(''), 'the relay process never took the lease').not.to.include(
      'outbox relay took the lease',
    );
  });
});
