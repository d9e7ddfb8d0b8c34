import { randomUUID } from 'node:crypto';
import { TYPES } from '../../../src/composition/types.js';
import type { CampaignEvent } from '../../../src/domain/index.js';
import { startedEvent } from '../../mothers/campaign-event-mother.js';
import { SQLITE } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, testKafkaBrokers } from '../../support/kafka-global.js';
import { RelayProcess } from '../../support/relay-process.js';
import { TestService } from '../../support/test-service.js';
import { type ReadMessage, TopicReader, uniqueTopic } from '../../support/topic-reader.js';

describe('A relay process killed between publish and mark (SQLite)', function () {
  this.timeout(90_000);
  let brokers: string;
  let service: TestService;
  const relays: RelayProcess[] = [];
  const readers: TopicReader[] = [];

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    brokers = await testKafkaBrokers();
    // No KAFKA_BROKERS for the service itself: its events wait in the outbox for the relay processes.
    service = await TestService.start(SQLITE);
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.kill()));
    await Promise.all(readers.splice(0).map((reader) => reader.close()));
  });
  after(() => service?.stop());

  const relay = (script: 'cli' | 'dyingAfterPublish', topic: string, batchSize: number) => {
    const database = service.running.container.get(TYPES.Config).database;
    if (database.kind !== 'sqlite') throw new Error('these tests run on SQLite');
    const process = RelayProcess.start(script, {
      DATABASE_URL: `sqlite:${database.filename}`,
      DATA_DIR: service.dataDir,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC: topic,
      OUTBOX_BATCH_SIZE: String(batchSize),
      OUTBOX_POLL_INTERVAL_MS: '50',
    });
    relays.push(process);
    return process;
  };
  const read = async (topic: string) => {
    const reader = await TopicReader.open(brokers, topic);
    readers.push(reader);
    return reader;
  };
  const unpublished = async () =>
    Number((await service.db('outbox').whereNull('published_at').count({ n: '*' }).first())?.n);
  const published = async () =>
    Number((await service.db('outbox').whereNotNull('published_at').count({ n: '*' }).first())?.n);
  const outboxEventIds = async () => (await service.outboxRows()).map((row) => row.event_id as string);

  it("publishes the unmarked batches again after a restart: nothing lost, at most one batch per partition repeated, each the partition's first events", async function () {
    const topic = uniqueTopic('crash-after-publish');
    const ids = await Promise.all(Array.from({ length: 30 }, () => service.createCampaign()));
    for (const id of ids) expect((await service.request('POST', `/api/v1/campaigns/${id}/start`)).status).to.equal(200);

    const dying = relay('dyingAfterPublish', topic, 10);
    expect((await dying.exited()).signal, dying.output.join('')).to.equal('SIGKILL');
    expect(await unpublished()).to.equal(30);

    const restarted = relay('cli', topic, 10);
    await eventually('the restarted relay marked every event published', async () => (await unpublished()) === 0, {
      timeoutMs: 30_000,
    });
    expect(await restarted.stop(), restarted.output.join('')).to.deep.equal({ code: 0, signal: null });

    const reader = await read(topic);
    await reader.waitForKeys(ids, 30);
    await reader.catchUp();
    const outboxIds = await outboxEventIds();
    expect(new Set(reader.messages.map((m) => m.headers.ce_id))).to.deep.equal(new Set(outboxIds));
    const repeated = new Set(repeatedIds(reader.messages));
    expect(reader.messages).to.have.length(outboxIds.length + repeated.size);
    const partitions = [...new Set(reader.messages.map((m) => m.partition))];
    // The batch acknowledged first (its relay died on the acknowledgement) is repeated; the batches of the other
    // partitions in flight at that moment are repeated if the broker had acknowledged them. Each is the first
    // events of its partition, at most 10.
    const repeatsPerPartition = partitions.map((partition) => {
      const partitionEvents = outboxIds.filter((id) =>
        reader.messages.some((m) => m.partition === partition && m.headers.ce_id === id),
      );
      const repeats = partitionEvents.filter((id) => repeated.has(id));
      expect(repeats, `partition ${partition}`).to.deep.equal(partitionEvents.slice(0, repeats.length));
      expect(repeats.length, `partition ${partition}`).to.be.at.most(10);
      return repeats.length;
    });
    expect(Math.max(...repeatsPerPartition), 'the batch acknowledged first is repeated').to.be.above(0);
    this.test!.title += ` (${repeated.size} repeated)`;
  });

  it('loses nothing when `node dist/src/cli/relay.js` is killed with SIGKILL in the middle of a backlog', async function () {
    const topic = uniqueTopic('crash-mid-backlog');
    const before = await outboxEventIds();
    const backlog = Array.from({ length: 3000 }, (_, i) => backlogEvent(String(1_000_000 + (i % 300))));
    const unitOfWork = service.running.container.get(TYPES.UnitOfWork);
    for (let from = 0; from < backlog.length; from += 300) {
      await unitOfWork.run((tx) => tx.outbox.append(backlog.slice(from, from + 300)));
    }

    const first = relay('cli', topic, 10);
    const publishedBefore = await published();
    await eventually(
      'the relay published part of the backlog',
      async () => (await published()) - publishedBefore >= 300,
      {
        timeoutMs: 30_000,
        intervalMs: 5,
      },
    );
    expect((await first.kill()).signal).to.equal('SIGKILL');
    expect(await unpublished(), 'the relay was killed before it finished').to.be.above(0);

    const restarted = relay('cli', topic, 10);
    await eventually('the restarted relay marked every event published', async () => (await unpublished()) === 0, {
      timeoutMs: 60_000,
    });
    expect(await restarted.stop(), restarted.output.join('')).to.deep.equal({ code: 0, signal: null });

    const reader = await read(topic);
    await reader.catchUp();
    const delivered = reader.messages.filter((m) => !before.includes(m.headers.ce_id!));
    expect(new Set(delivered.map((m) => m.headers.ce_id))).to.deep.equal(new Set(backlog.map((e) => e.eventId)));
    const repeats = delivered.length - backlog.length;
    const partitions = new Set(delivered.map((m) => m.partition)).size;
    expect(repeats, 'at most the batch in flight on each partition is published twice').to.be.within(
      0,
      10 * partitions,
    );
    expect(firstDeliveriesInBacklogOrderPerPartition(delivered, backlog)).to.equal(true);
    this.test!.title += ` (${backlog.length} events, ${repeats} repeated)`;
  });
});

function backlogEvent(campaignId: string): CampaignEvent {
  return startedEvent(randomUUID(), campaignId, new Date(), { startedBy: 'backlog', name: 'Backlog' });
}

/** The event ids delivered more than once, sorted. */
function repeatedIds(messages: readonly ReadMessage[]): string[] {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.headers.ce_id!, (counts.get(m.headers.ce_id!) ?? 0) + 1);
  return [...counts]
    .filter(([, n]) => n > 1)
    .map(([id]) => id)
    .sort();
}

/** Dropping repeats by id, as consumers do, leaves each partition in the order the events were committed. */
function firstDeliveriesInBacklogOrderPerPartition(
  messages: readonly ReadMessage[],
  backlog: readonly CampaignEvent[],
): boolean {
  const position = new Map(backlog.map((event, index) => [event.eventId, index]));
  for (const partition of new Set(messages.map((m) => m.partition))) {
    const seen = new Set<string>();
    const order = messages
      .filter((m) => m.partition === partition)
      .sort((a, b) => a.offset - b.offset)
      .filter((m) => !seen.has(m.headers.ce_id!) && seen.add(m.headers.ce_id!))
      .map((m) => position.get(m.headers.ce_id!)!);
    if (order.some((value, i) => i > 0 && value < order[i - 1]!)) return false;
  }
  return true;
}
