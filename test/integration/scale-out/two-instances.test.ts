import type { Knex } from 'knex';
import { migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { relayStateOf } from '../../support/instance-client.js';
import { BROKER_START_TIMEOUT_MS } from '../../support/kafka-global.js';
import { InstancesOnPostgres } from '../../support/postgres-instances.js';
import type { ServiceProcess } from '../../support/service-process.js';
import { inDays } from '../../support/test-service.js';
import { type TopicReader, uniqueTopic } from '../../support/topic-reader.js';

describe('Two service instances on one PostgreSQL database, each with its relay on', function () {
  this.timeout(60_000);
  const topic = uniqueTopic('two-instances');
  let fixture: InstancesOnPostgres | undefined;
  let db: Knex;
  let instances: readonly ServiceProcess[];
  let reader: TopicReader;
  let call: InstancesOnPostgres['call'];

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    fixture = await InstancesOnPostgres.start({ topic, subject: 'scale-test', start: 'at once' });
    ({ db, instances, reader, call } = fixture);
  });
  after(() => fixture?.stop());

  const createCampaign = async (fields: Record<string, unknown> = {}) => {
    const created = await call(instances[0]!, 'POST', '/api/v1/campaigns', {
      body: { name: 'Both', startAt: inDays(1), endAt: inDays(2), ...fields },
    });
    return created.body.id as string;
  };
  const outboxRowsOf = (id: string) => db('outbox').where('aggregate_id', id);
  const published = async (id: string) => (await outboxRowsOf(id)).every((row) => row.published_at !== null);

  it('migrates an empty database once when both start at the same time', async () => {
    const applied = await db('knex_migrations').select('name').orderBy('id');
    const compiledIn = (await migrationSource.getMigrations([])).map((migration) =>
      migrationSource.getMigrationName(migration),
    );
    expect(applied.map((row) => row.name)).to.deep.equal(compiledIn);
  });

  it('runs one relay at a time: one instance publishes, the other stands by', async () => {
    await eventually('one relay leads and the other stands by', async () => {
      const states = await Promise.all(instances.map(relayStateOf));
      return [...states].sort().join() === 'running,standby';
    });
  });

  it('gives exactly one 200 to 200 concurrent starts of one campaign spread over both: one outbox row, one Kafka message', async () => {
    const id = await createCampaign();
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        call(instances[n % 2]!, 'POST', `/api/v1/campaigns/${id}/start`).then((a) => a.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).to.have.length(1);
    expect(statuses.filter((s) => s === 409)).to.have.length(199);
    expect(await outboxRowsOf(id)).to.have.length(1);
    await eventually('the start is marked published', () => published(id));
    await reader.waitForKeys([id]);
    await reader.catchUp();
    expect(reader.withKeys([id]).map((m) => m.headers.ce_type)).to.deep.equal(['CampaignStarted']);
  });

  it('answers 20 concurrent repeats of one Idempotency-Key spread over both with the same 200, and writes one event', async () => {
    const id = await createCampaign();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        call(instances[n % 2]!, 'POST', `/api/v1/campaigns/${id}/start`, {
          headers: { 'idempotency-key': `both-${id}` },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).to.deep.equal(Array(20).fill(200));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).to.equal(1);
    expect(await outboxRowsOf(id)).to.have.length(1);
    await eventually('the start is marked published', () => published(id));
    await reader.catchUp();
    expect(reader.withKeys([id])).to.have.length(1);
  });

  it('shows a campaign created through one instance through the other, id exact', async () => {
    const created = await call(instances[0]!, 'POST', '/api/v1/campaigns', {
      body: { id: '9007199254740993', name: 'Exact' },
    });
    expect(created.status).to.equal(200);
    const got = await call(instances[1]!, 'GET', '/api/v1/campaigns/9007199254740993?view=service');
    expect(got.body.id).to.equal('9007199254740993');
  });
});
