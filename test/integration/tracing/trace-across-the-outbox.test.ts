import { randomBytes } from 'node:crypto';
import { defaultTextMapGetter, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { mintToken } from '../../../src/adapters/auth/token-minter.js';
import { POSTGRES, SQLITE, type TestDatabase } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, testKafkaBrokers } from '../../support/kafka-global.js';
import { OtlpReceiver, type ReceivedSpan, SPAN_KIND } from '../../support/otlp-receiver.js';
import { ServiceProcess } from '../../support/service-process.js';
import { inDays, TEST_SECRET } from '../../support/test-service.js';
import { type ReadMessage, TopicReader, uniqueTopic } from '../../support/topic-reader.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

const CASES = [
  { database: SQLITE, protocol: 'http/json', contentType: 'application/json' },
  { database: POSTGRES, protocol: 'http/protobuf', contentType: 'application/x-protobuf' },
] as const;

for (const { database: kind, protocol, contentType } of CASES) {
  describe(`One trace from the HTTP request to the Kafka message (${kind.name}, spans sent as OTLP ${protocol})`, function () {
    this.timeout(60_000);
    const topic = uniqueTopic('tracing');
    let receiver: OtlpReceiver;
    let database: TestDatabase;
    let service: ServiceProcess;
    let reader: TopicReader;
    let token: string;

    before(async function () {
      this.timeout(BROKER_START_TIMEOUT_MS);
      const brokers = await testKafkaBrokers();
      receiver = await OtlpReceiver.start();
      database = await kind.create();
      service = await ServiceProcess.start({
        ...database.env,
        AUTH_JWT_SECRET: TEST_SECRET,
        KAFKA_BROKERS: brokers,
        KAFKA_TOPIC: topic,
        SCHEDULER_INTERVAL_MS: '100',
        OTEL_SERVICE_NAME: 'campaigns-under-test',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_BSP_SCHEDULE_DELAY: '50',
      });
      reader = await TopicReader.open(brokers, topic);
      token = await mintToken({ secret: TEST_SECRET, subject: 'tester' });
    });
    after(async () => {
      await reader?.close();
      await service?.stop();
      await receiver?.stop();
      await database?.drop();
    });

    const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
      const response = await fetch(`${service.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    const createCampaign = async (fields: Record<string, unknown> = {}) =>
      (
        await call(
          'POST',
          '/api/v1/campaigns',
          {},
          { name: 'Traced', startAt: inDays(1), endAt: inDays(30), ...fields },
        )
      ).body.id!;
    const started = async (id: string): Promise<ReadMessage> => {
      await eventually(
        `CampaignStarted of ${id} on Kafka`,
        () => reader.withKeys([id]).some((m) => m.headers.ce_type === 'CampaignStarted'),
        { timeoutMs: 30_000 },
      );
      return reader.withKeys([id]).find((m) => m.headers.ce_type === 'CampaignStarted')!;
    };
    const spanWhere = async (what: string, matches: (span: ReceivedSpan) => boolean): Promise<ReceivedSpan> => {
      await eventually(`the receiver got ${what}`, () => receiver.spans.some(matches), { timeoutMs: 20_000 });
      return receiver.spans.find(matches)!;
    };
    const childOf = (parent: ReceivedSpan, name: string) =>
      spanWhere(
        `${name} under ${parent.name}`,
        (s) => s.name === name && s.traceId === parent.traceId && s.parentSpanId === parent.spanId,
      );

    it("continues the caller's traceparent through the request, the use case, the unit of work and the relay, to the message's ce_traceparent", async () => {
      const id = await createCampaign();
      const traceId = randomBytes(16).toString('hex');
      const callerSpanId = randomBytes(8).toString('hex');
      const answer = await call('POST', `/api/v1/campaigns/${id}/start`, {
        traceparent: `00-${traceId}-${callerSpanId}-01`,
        tracestate: 'caller=opaque-value',
      });
      expect(answer.status).to.equal(200);

      const message = await started(id);
      const [, messageTraceId, messageParentId, flags] = TRACEPARENT.exec(message.headers.ce_traceparent ?? '') ?? [];
      expect(messageTraceId).to.equal(traceId);
      expect(flags).to.equal('01');
      expect(message.headers.ce_tracestate).to.equal('caller=opaque-value');
      // As OpenTelemetry's Kafka instrumentations read a record's headers: a W3C propagator, no mapping of names.
      const extracted = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, message.headers, defaultTextMapGetter);
      expect(trace.getSpanContext(extracted)).to.include({ traceId, spanId: messageParentId, traceFlags: 1 });
      expect(trace.getSpanContext(extracted)?.traceState?.serialize()).to.equal('caller=opaque-value');

      const request = await spanWhere('the request span', (s) => s.traceId === traceId && s.kind === SPAN_KIND.server);
      expect(request.parentSpanId).to.equal(callerSpanId);
      expect(request.name).to.equal('POST /api/v1/campaigns/:id/start');
      expect(request.attributes).to.include({
        'http.request.method': 'POST',
        'http.route': '/api/v1/campaigns/:id/start',
        'http.response.status_code': 200,
        'url.path': `/api/v1/campaigns/${id}/start`,
      });
      const useCase = await childOf(request, 'StartCampaign');
      expect(useCase.attributes).to.include({ 'campaign.id': id });
      const unitOfWork = await childOf(useCase, 'unit of work');
      const create = await childOf(unitOfWork, `create ${topic}`);
      expect(create.kind).to.equal(SPAN_KIND.producer);
      expect(create.attributes).to.include({
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.message.id': message.headers.ce_id,
      });
      expect(messageParentId, 'the message names the create span as its parent').to.equal(create.spanId);

      const send = await spanWhere(
        'the send span of the batch',
        (s) => s.name === `send ${topic}` && s.links.some((l) => l.spanId === create.spanId),
      );
      expect(send.kind).to.equal(SPAN_KIND.producer);
      expect(send.parentSpanId, 'a batch is a trace of its own').to.equal('');
      expect(send.links).to.deep.include({ traceId, spanId: create.spanId });
      expect(send.attributes).to.include({ 'messaging.operation.type': 'send', 'messaging.destination.name': topic });
      expect(receiver.inTrace(traceId).every((s) => s.service === 'campaigns-under-test')).to.equal(true);
      expect([...receiver.contentTypes]).to.deep.equal([contentType]);

      const batchName = kind === SQLITE ? 'group commit' : 'coalesced change';
      const batch = await spanWhere(
        `the ${batchName}`,
        (s) => s.name === batchName && s.links.some((l) => l.spanId === unitOfWork.spanId),
      );
      expect(batch.parentSpanId).to.equal('');
      expect(unitOfWork.links, 'the unit of work links to the batch that wrote its change').to.deep.include({
        traceId: batch.traceId,
        spanId: batch.spanId,
      });
      if (kind !== SQLITE) {
        const query = await spanWhere(
          'the PostgreSQL statement of the batch',
          (s) => s.parentSpanId === batch.spanId && s.kind === SPAN_KIND.client,
        );
        expect(query.traceId).to.equal(batch.traceId);
      }

      const requestLine = service.output
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.msg === 'request' && line.trace_id === traceId);
      expect(requestLine, 'the request log line names the trace and the request span').to.include({
        span_id: request.spanId,
        trace_flags: '01',
      });
    });

    it('names the campaign a create made in its use case span, whether its id was generated or imported, and links its unit to the batch that inserted it', async () => {
      const imported = '9007199254740993';
      for (const fields of [{}, { id: imported }]) {
        const id = await createCampaign(fields);
        const create = await spanWhere(
          `the CreateCampaign span of ${id}`,
          (s) => s.name === 'CreateCampaign' && s.attributes['campaign.id'] === id,
        );
        expect(create.kind).to.equal(SPAN_KIND.internal);
        if (kind !== SQLITE) {
          const unitOfWork = await childOf(create, 'unit of work');
          const batch = await spanWhere(
            `the coalesced insert of ${id}`,
            (s) => s.name === 'coalesced insert' && s.links.some((l) => l.spanId === unitOfWork.spanId),
          );
          expect(unitOfWork.links, 'the unit of work links to the batch that inserted its campaign').to.deep.include({
            traceId: batch.traceId,
            spanId: batch.spanId,
          });
        }
      }
    });

    it('starts a trace for a request that brings none, and the message carries it', async () => {
      const id = await createCampaign();
      expect((await call('POST', `/api/v1/campaigns/${id}/start`)).status).to.equal(200);
      const [, traceId] = TRACEPARENT.exec((await started(id)).headers.ce_traceparent ?? '') ?? [];
      const request = await spanWhere('the request span', (s) => s.traceId === traceId && s.kind === SPAN_KIND.server);
      expect(request.parentSpanId).to.equal('');
      expect(request.attributes['url.path']).to.equal(`/api/v1/campaigns/${id}/start`);
    });

    it('leaves the probes and the metrics scrape out of the traces', async () => {
      for (const path of ['/health/live', '/health/ready', '/metrics'])
        expect((await fetch(`${service.url}${path}`)).status, path).to.equal(200);
      const marker = randomBytes(16).toString('hex');
      await call('GET', '/api/v1/campaigns?start=0&pageSize=1', {
        traceparent: `00-${marker}-${randomBytes(8).toString('hex')}-01`,
      });
      await spanWhere('the request after the probes', (s) => s.traceId === marker);
      const probed = receiver.spans.filter((s) =>
        ['/health/live', '/health/ready', '/metrics'].includes(String(s.attributes['url.path'])),
      );
      expect(probed).to.deep.equal([]);
    });

    it('gives each scheduled start a trace of its own, which the message carries', async () => {
      const id = await createCampaign({ startAt: new Date(Date.now() + 1_500).toISOString() });
      const [, traceId] = TRACEPARENT.exec((await started(id)).headers.ce_traceparent ?? '') ?? [];
      const schedule = await spanWhere('the scheduled start', (s) => s.traceId === traceId && s.name === 'RunSchedule');
      expect(schedule.parentSpanId).to.equal('');
      await childOf(schedule, 'unit of work');
      expect(
        receiver.inTrace(traceId).some((s) => s.kind === SPAN_KIND.server),
        'no request in that trace',
      ).to.equal(false);
    });
  });
}

describe('A collector that refuses the spans', function () {
  this.timeout(30_000);
  let receiver: OtlpReceiver;
  let database: TestDatabase;
  let service: ServiceProcess;

  before(async () => {
    receiver = await OtlpReceiver.start(400);
    database = await SQLITE.create();
    service = await ServiceProcess.start({
      ...database.env,
      AUTH_JWT_SECRET: TEST_SECRET,
      KAFKA_BROKERS: '',
      SCHEDULER: 'off',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
  });
  after(async () => {
    await service?.stop();
    await receiver?.stop();
    await database?.drop();
  });

  const logLines = () =>
    service.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const sdkLines = () => logLines().filter((line) => line.component === 'opentelemetry');

  it("leaves the requests alone, and says so in one short warn line a minute, outside any request's trace", async () => {
    const token = await mintToken({ secret: TEST_SECRET, subject: 'tester' });
    for (let i = 0; i < 4; i++) {
      const answer = await fetch(`${service.url}/api/v1/campaigns?start=0&pageSize=1`, {
        headers: { authorization: `Bearer ${token}`, traceparent: `00-${'ab'.repeat(15)}0${i}-${'1'.repeat(16)}-01` },
      });
      expect(answer.status).to.equal(200);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(sdkLines().filter((line) => line.msg === 'spans are exported')).to.have.length(1);
    await eventually('two exports were refused', () => receiver.refused >= 2, { timeoutMs: 20_000 });
    await eventually('the service logged the refused export', () => sdkLines().some((line) => line.level === 40), {
      timeoutMs: 20_000,
    });
    const trouble = sdkLines().filter((line) => line.msg !== 'spans are exported');
    expect(trouble, 'refused exports, more than one within a minute').to.have.length(1);
    expect(trouble[0]).to.include({ level: 40, msg: 'spans could not be exported; requests are not affected' });
    expect(trouble[0]!.cause)
      .to.be.a('string')
      .and.not.match(/\n|"stack"/);
    expect(trouble[0]).to.not.have.any.keys('trace_id', 'span_id');
  });

  it('does not hold up the shutdown', async () => {
    const began = Date.now();
    expect(await service.stop()).to.equal(0);
    expect(Date.now() - began).to.be.below(5_000);
  });
});

describe('Spans on stdout (OTEL_TRACES_EXPORTER=console)', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let service: ServiceProcess;

  before(async () => {
    database = await SQLITE.create();
    service = await ServiceProcess.start({
      ...database.env,
      AUTH_JWT_SECRET: TEST_SECRET,
      KAFKA_BROKERS: '',
      SCHEDULER: 'off',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
  });
  after(async () => {
    await service?.stop();
    await database?.drop();
  });

  it('are one JSON log line each, in the trace of their request, and stdout stays one JSON object per line', async () => {
    const token = await mintToken({ secret: TEST_SECRET, subject: 'tester' });
    const traceId = randomBytes(16).toString('hex');
    const answer = await fetch(`${service.url}/api/v1/campaigns?start=0&pageSize=1`, {
      headers: { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${'2'.repeat(16)}-01` },
    });
    expect(answer.status).to.equal(200);
    const lines = () =>
      service.output
        .join('')
        .split('\n')
        .filter((line) => line !== '');
    await eventually("the request's span was written", () =>
      lines().some((line) => line.includes(`"traceId":"${traceId}"`)),
    );
    for (const line of lines()) expect(() => JSON.parse(line), line).to.not.throw();
    const spans = lines()
      .map((line) => JSON.parse(line) as { msg: string; span?: Record<string, unknown>; trace_id?: string })
      .filter((line) => line.msg === 'span');
    const server = spans.find((line) => line.span!.traceId === traceId && line.span!.kind === 'SERVER');
    expect(server, "the request's server span").to.not.equal(undefined);
    expect(server!.span).to.include({ parentSpanId: '2'.repeat(16) });
    expect(server, 'a span line is not in the trace of whichever request started the batch').to.not.have.property(
      'trace_id',
    );
    const started = lines()
      .map((line) => JSON.parse(line))
      .find((line) => line.msg === 'spans are exported');
    expect(started).to.not.have.property('protocol');
  });
});
