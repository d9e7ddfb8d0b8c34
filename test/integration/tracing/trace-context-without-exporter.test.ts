import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../../src/composition/logger.js';
import { DATABASE_KINDS, SQLITE } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, testKafkaBrokers } from '../../support/kafka-global.js';
import { LogLines } from '../../support/log-lines.js';
import { TestService } from '../../support/test-service.js';
import { type ReadMessage, TopicReader, uniqueTopic } from '../../support/topic-reader.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

for (const kind of DATABASE_KINDS) {
  describe(`The trace context through the outbox with no exporter configured (${kind.name})`, function () {
    this.timeout(60_000);
    const topic = uniqueTopic('trace-context');
    let brokers: string;
    let service: TestService;
    let reader: TopicReader;
    let logs: LogLines;

    before(async function () {
      this.timeout(BROKER_START_TIMEOUT_MS);
      brokers = await testKafkaBrokers();
      logs = new LogLines();
      service = await TestService.start(kind, {
        env: {
          KAFKA_BROKERS: brokers,
          KAFKA_TOPIC: topic,
          OUTBOX_POLL_INTERVAL_MS: '100',
          SCHEDULER: 'on',
          SCHEDULER_INTERVAL_MS: '100',
        },
        logger: createLogger('info', { destination: logs }),
      });
      reader = await TopicReader.open(brokers, topic);
    });
    after(async () => {
      await reader?.close();
      await service?.stop();
    });

    const start = async (id: string, headers: Record<string, string> = {}) => {
      const answer = await service.request('POST', `/api/v1/campaigns/${id}/start`, { headers });
      expect(answer.status, answer.text).to.equal(200);
    };
    const message = async (id: string): Promise<ReadMessage> => (await reader.waitForKeys([id]))[0]!;
    const traceparentOf = (m: ReadMessage) => {
      const match = TRACEPARENT.exec(m.headers.ce_traceparent ?? '');
      expect(match, `a valid ce_traceparent: ${m.headers.ce_traceparent}`).to.not.equal(null);
      return { traceId: match![1]!, parentId: match![2]!, flags: match![3]! };
    };
    const storedTraceContext = async (id: string) => {
      const row = await service.db('outbox').select('trace_context').where('aggregate_id', id).first();
      return JSON.parse(row.trace_context as string) as { traceparent: string; tracestate?: string };
    };

    it("carries the caller's trace to the message, as the outbox row kept it", async () => {
      const id = await service.createCampaign();
      const traceId = randomBytes(16).toString('hex');
      const callerSpanId = randomBytes(8).toString('hex');
      await start(id, { traceparent: `00-${traceId}-${callerSpanId}-01`, tracestate: 'caller=kept' });
      const received = await message(id);
      const carried = traceparentOf(received);
      expect(carried.traceId).to.equal(traceId);
      expect(carried.parentId, "the service's own request span, not the caller's").to.not.equal(callerSpanId);
      expect(carried.flags).to.equal('01');
      expect(received.headers.ce_tracestate).to.equal('caller=kept');
      expect(await storedTraceContext(id)).to.deep.equal({
        traceparent: received.headers.ce_traceparent,
        tracestate: 'caller=kept',
      });
    });

    it('starts a trace for a request without traceparent and writes its ids on the request log line', async () => {
      const id = await service.createCampaign();
      const requestId = randomUUID();
      await start(id, { 'x-request-id': requestId });
      const carried = traceparentOf(await message(id));
      const line = logs.withMessage('request').find((l) => l.requestId === requestId);
      expect(line).to.include({ trace_id: carried.traceId, span_id: carried.parentId, trace_flags: '01' });
    });

    it("keeps a caller's decision not to sample (flags 00)", async () => {
      const id = await service.createCampaign();
      const traceId = randomBytes(16).toString('hex');
      await start(id, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-00` });
      expect(traceparentOf(await message(id))).to.include({ traceId, flags: '00' });
    });

    for (const [what, traceparent] of [
      ['an all-zero trace id', `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`],
      ['version ff', `ff-${'a'.repeat(32)}-${'1'.repeat(16)}-01`],
      ['a truncated header', `00-${'a'.repeat(31)}-${'1'.repeat(16)}-01`],
    ] as const) {
      it(`starts a new trace when the traceparent is invalid (${what})`, async () => {
        const id = await service.createCampaign();
        await start(id, { traceparent });
        const carried = traceparentOf(await message(id));
        expect(traceparent).to.not.include(carried.traceId);
      });
    }

    it('gives a scheduled start a trace of its own, not the trace of the request that created the campaign', async () => {
      const traceId = randomBytes(16).toString('hex');
      const created = await service.request('POST', '/api/v1/campaigns', {
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
        body: {
          name: 'Scheduled',
          startAt: new Date(Date.now() + 1_000).toISOString(),
          endAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
      });
      expect(created.status, created.text).to.equal(200);
      const id = (created.body as { id: string }).id;
      const started = await message(id);
      expect(started.headers.ce_type).to.equal('CampaignStarted');
      const scheduled = traceparentOf(started);
      expect(scheduled.traceId).to.not.equal(traceId);
      expect(scheduled.flags).to.equal('01');
      expect(await storedTraceContext(id)).to.deep.equal({ traceparent: started.headers.ce_traceparent });
    });

    it('keeps each request its own trace when their starts share one commit', async () => {
      const ids = await Promise.all(Array.from({ length: 20 }, () => service.createCampaign()));
      const traceIds = ids.map(() => randomBytes(16).toString('hex'));
      await Promise.all(
        ids.map((id, i) => start(id, { traceparent: `00-${traceIds[i]}-${randomBytes(8).toString('hex')}-01` })),
      );
      const messages = await reader.waitForKeys(ids);
      for (const [i, id] of ids.entries()) {
        expect(traceparentOf(messages.find((m) => m.key === id)!).traceId, `campaign ${id}`).to.equal(traceIds[i]);
      }
    });

    if (kind === SQLITE) {
      it('shows the trace id of each event in `npm run events:tail`', async function () {
        this.timeout(60_000);
        const id = await service.createCampaign();
        const traceId = randomBytes(16).toString('hex');
        await start(id, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
        await message(id);
        const tail = spawn(
          process.execPath,
          [fileURLToPath(new URL('../../../src/cli/events-tail.js', import.meta.url)), '--from-beginning'],
          {
            env: { ...process.env, KAFKA_BROKERS: brokers, KAFKA_TOPIC: topic },
          },
        );
        let printed = '';
        tail.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
        try {
          const lineOf = () =>
            printed
              .split('\n')
              .filter((l) => l.startsWith('{'))
              .map((l) => JSON.parse(l))
              .find((l) => l.key === id);
          await eventually('events:tail printed the start', () => lineOf() !== undefined, { timeoutMs: 45_000 });
          expect(lineOf()).to.include({ type: 'CampaignStarted', traceId });
        } finally {
          tail.kill('SIGTERM');
        }
      });
    }

    it('gives an event the outbox kept no trace context for (written before it did) the trace of its publish', async () => {
      const id = String(8_000_000_000n + BigInt(randomBytes(3).readUIntBE(0, 3)));
      await service.db('outbox').insert({
        event_id: randomUUID(),
        aggregate_type: 'campaign',
        aggregate_id: id,
        event_type: 'CampaignStarted',
        payload: `{"campaignId":"${id}"}`,
        occurred_at: new Date(),
        created_at: new Date(),
        trace_context: null,
      });
      await eventually('the relay published the row', async () => reader.withKeys([id]).length === 1, {
        timeoutMs: 30_000,
      });
      traceparentOf(reader.withKeys([id])[0]!);
    });
  });
}
