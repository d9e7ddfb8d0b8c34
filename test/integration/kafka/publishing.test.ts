import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import formats from 'ajv-formats';
import type { Kafka } from 'kafkajs';
import { parse } from 'yaml';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { CREATE_FROM_READ_SAMPLES } from '../../fixtures/volt-mx-bodies.js';
import { SQLITE } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, testKafkaBrokers } from '../../support/kafka-global.js';
import { TestService } from '../../support/test-service.js';
import {
  partitionsOf,
  type ReadMessage,
  TopicReader,
  testKafkaClient,
  uniqueTopic,
} from '../../support/topic-reader.js';

describe('Publishing campaign events to Kafka (SQLite)', function () {
  this.timeout(60_000);
  const topic = uniqueTopic('publishing');
  const clock = new FixedClock(new Date('2030-01-01T12:00:00.000Z'));
  let kafka: Kafka;
  let service: TestService;
  let reader: TopicReader;

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    const brokers = await testKafkaBrokers();
    kafka = testKafkaClient(brokers);
    service = await TestService.start(SQLITE, {
      clock,
      // The relay polls once an hour here: every event below reaches Kafka because its commit woke the relay.
      env: {
        KAFKA_BROKERS: brokers,
        KAFKA_TOPIC: topic,
        KAFKA_TOPIC_PARTITIONS: '4',
        OUTBOX_POLL_INTERVAL_MS: '3600000',
      },
    });
    reader = await TopicReader.open(brokers, topic);
  });
  after(async () => {
    await reader?.close();
    await service?.stop();
  });

  const SCHEDULE = { startAt: '2030-02-01T09:00:00.000Z', endAt: '2030-03-01T09:00:00.000Z' };
  const createCampaign = (fields: Record<string, unknown> = {}) => service.createCampaign({ ...SCHEDULE, ...fields });
  const act = async (verb: string, id: string) => {
    const answer = await service.request('POST', `/api/v1/campaigns/${id}/${verb}`);
    if (answer.status !== 200) throw new Error(`${verb} ${id} answered ${answer.status}: ${answer.text}`);
  };
  const outbox = async (): Promise<
    Array<{ sequence: bigint; eventId: string; campaignId: string; published: boolean; traceContext: string | null }>
  > => {
    const rows = await service
      .db('outbox')
      .select(
        service.db.raw('CAST(sequence AS TEXT) AS sequence_text'),
        'event_id',
        service.db.raw('CAST(aggregate_id AS TEXT) AS campaign_id'),
        'published_at',
        'trace_context',
      )
      .orderBy('sequence');
    return rows.map((row: Record<string, unknown>) => ({
      sequence: BigInt(row.sequence_text as string),
      eventId: row.event_id as string,
      campaignId: row.campaign_id as string,
      published: row.published_at !== null,
      traceContext: row.trace_context as string | null,
    }));
  };
  const everyEventPublished = () =>
    eventually('every outbox row is marked published', async () => (await outbox()).every((row) => row.published));

  it('creates the topic with KAFKA_TOPIC_PARTITIONS partitions when it starts', async () => {
    expect(await partitionsOf(kafka, topic)).to.equal(4);
  });

  for (const id of ['7', '9007199254740993']) {
    it(`publishes the start of campaign ${id} as exactly one message: key, CloudEvents headers and value exact`, async () => {
      await createCampaign({ id });
      await act('start', id);
      const [message] = await reader.waitForKeys([id]);
      const [row] = (await outbox()).filter((r) => r.campaignId === id);
      await everyEventPublished();
      await reader.catchUp();

      expect(reader.withKeys([id])).to.have.length(1);
      expect(message!.key).to.equal(id);
      expect(message!.headers).to.deep.equal({
        ce_specversion: '1.0',
        ce_id: row!.eventId,
        ce_source: '/campaign-service',
        ce_type: 'CampaignStarted',
        ce_time: '2030-01-01T12:00:00.000Z',
        ce_subject: id,
        'content-type': 'application/json',
        ce_traceparent: JSON.parse(row!.traceContext!).traceparent,
        traceparent: JSON.parse(row!.traceContext!).traceparent,
      });
      expect(message!.headers.ce_traceparent).to.match(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(message!.value).to.equal(
        `{"campaignId":"${id}","startedAt":"2030-01-01T12:00:00.000Z","scheduledStartAt":"${SCHEDULE.startAt}","trigger":"manual","startedBy":"tester",` +
          `"name":"Spring sale","endAt":"${SCHEDULE.endAt}","campaignType":"","campaignSegments":[],"campaignMessages":[],"campaignMails":[],` +
          `"campaignSms":[],"campaignVoiceSms":[],"campaignPasses":[],"campaignChannelPriorities":[]}`,
      );
    });
  }

  it('publishes a start with everything a sender needs: the audience, every message and the channel order', async () => {
    const { startDateStr: _start, endDateStr: _end, ...body } = CREATE_FROM_READ_SAMPLES;
    const id = await createCampaign({
      ...body,
      campaignChannelPriorities: [{ messageChannel: 'SMS' }, { messageChannel: 'PUSH' }],
    });
    await act('start', id);
    const [message] = await reader.waitForKeys([id]);
    const value = JSON.parse(message!.value!);
    expect(value.campaignSegments).to.deep.equal([
      { id: '2', name: 'SegGeolocation152' },
      { id: '1', name: 'SegEmailContiansCom173' },
    ]);
    expect(value.campaignMessages[0].repeatMessage.platformSpecificProps).to.deep.equal(
      CREATE_FROM_READ_SAMPLES.campaignMessages[0]!.repeatMessage.platformSpecificProps,
    );
    expect(value.campaignMails[0]).to.deep.include({ content: 'DiffRepeatAllEmail' });
    expect(value.campaignSms[0].repeatMessage).to.deep.include({
      smsMessage: 'DiffReAllSmsRepeat',
      interval: 15,
      intervalUnit: 'Hours',
    });
    expect(value.campaignChannelPriorities).to.deep.equal(['SMS', 'PUSH']);
    expect(value).to.include({ campaignType: 'Promotions', name: 'CompleteAPIForCampaign' });
  });

  it("publishes 200 starts made at once as 200 messages with 200 distinct ids, each campaign's events in order", async () => {
    const ids: string[] = [];
    for (let chunk = 0; chunk < 10; chunk++)
      ids.push(...(await Promise.all(Array.from({ length: 20 }, () => createCampaign()))));
    const alsoPausedAndResumed = new Set(ids.slice(0, 50));
    await Promise.all(
      ids.map(async (id) => {
        await act('start', id);
        if (!alsoPausedAndResumed.has(id)) return;
        await act('pause', id);
        await act('resume', id);
      }),
    );

    const messages = await reader.waitForKeys(ids, 200 + 2 * alsoPausedAndResumed.size);
    await everyEventPublished();
    await reader.catchUp();
    const starts = messages.filter((m) => m.headers.ce_type === 'CampaignStarted');
    expect(starts).to.have.length(200);
    expect(new Set(starts.map((m) => m.headers.ce_id)).size).to.equal(200);
    expect(new Set(starts.map((m) => m.key))).to.deep.equal(new Set(ids));

    for (const id of alsoPausedAndResumed) {
      const types = messages
        .filter((m) => m.key === id)
        .sort(byOffset)
        .map((m) => m.headers.ce_type);
      expect(types, `events of campaign ${id}`).to.deep.equal(['CampaignStarted', 'CampaignPaused', 'CampaignResumed']);
    }
    const sequenceOf = new Map((await outbox()).map((row) => [row.eventId, row.sequence]));
    for (const partition of new Set(messages.map((m) => m.partition))) {
      const sequences = messages
        .filter((m) => m.partition === partition)
        .sort(byOffset)
        .map((m) => sequenceOf.get(m.headers.ce_id!)!);
      expect(sequences, `partition ${partition} in outbox order`).to.deep.equal(
        [...sequences].sort((a, b) => (a < b ? -1 : 1)),
      );
    }
  });

  it('publishes what docs/asyncapi.yaml describes: key, headers and value valid under its schemas', async () => {
    const schemaOf = asyncApiSchemas();
    expect(reader.messages.length).to.be.above(200);
    for (const message of reader.messages) {
      const problems = [
        ...schemaOf('CampaignId')(message.key),
        ...schemaOf('CloudEventHeaders')(message.headers),
        ...schemaOf(message.headers.ce_type!)(JSON.parse(message.value!)),
      ];
      expect(
        problems,
        `${message.headers.ce_type} at offset ${message.offset} of partition ${message.partition}`,
      ).to.deep.equal([]);
    }
  });
});

/** A validator per schema of docs/asyncapi.yaml (AsyncAPI schemas are JSON Schema draft 07); it answers the problems. */
function asyncApiSchemas(): (name: string) => (value: unknown) => string[] {
  const document = parse(readFileSync(new URL('../../../../docs/asyncapi.yaml', import.meta.url), 'utf8'));
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  (formats as unknown as (ajv: unknown) => void)(ajv);
  ajv.addSchema({ $id: 'asyncapi', components: document.components });
  return (name) => {
    const validate = ajv.compile({ $ref: `asyncapi#/components/schemas/${name}` });
    return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
  };
}

function byOffset(a: ReadMessage, b: ReadMessage): number {
  return a.offset - b.offset;
}
