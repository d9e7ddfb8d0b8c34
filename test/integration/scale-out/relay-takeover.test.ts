import { once } from 'node:events';
import type { Knex } from 'knex';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { type InstanceAnswer, relayStateOf } from '../../support/instance-client.js';
import { BROKER_START_TIMEOUT_MS } from '../../support/kafka-global.js';
import { InstancesOnPostgres } from '../../support/postgres-instances.js';
import type { ServiceProcess } from '../../support/service-process.js';
import { inDays } from '../../support/test-service.js';
import { type ReadMessage, type TopicReader, uniqueTopic } from '../../support/topic-reader.js';

const WORKERS = 6;
const STEPS = ['start', 'pause', 'resume'] as const;

describe('The relay of a killed instance taken over by the other (PostgreSQL, two instances, a real broker)', function () {
  this.timeout(120_000);
  const topic = uniqueTopic('takeover');
  let fixture: InstancesOnPostgres | undefined;
  let db: Knex;
  let instances: readonly ServiceProcess[];
  let reader: TopicReader;
  let call: InstancesOnPostgres['call'];

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    fixture = await InstancesOnPostgres.start({ topic, subject: 'takeover-test', start: 'one after the other' });
    ({ db, instances, reader, call } = fixture);
  });
  after(() => fixture?.stop());

  it("delivers every event, each campaign's in order, when the relaying instance is killed (SIGKILL) while events flow", async function () {
    let leader: ServiceProcess | undefined;
    await eventually('one relay leads and the other stands by', async () => {
      const states = await Promise.all(instances.map(relayStateOf));
      leader = states.includes('standby') ? instances[states.indexOf('running')] : undefined;
      return leader !== undefined;
    });
    const survivor = instances.find((instance) => instance !== leader)!;

    let killed = false;
    let flowsAfterTakeover = 0;
    let takenOver = false;
    /** Through either instance while both live; a call the killed one never answered goes again to the survivor. */
    const step = async (id: string, verb: (typeof STEPS)[number], turn: number): Promise<InstanceAnswer> => {
      const options = { headers: { 'idempotency-key': `${verb}-${id}` } };
      const path = `/api/v1/campaigns/${id}/${verb}`;
      const via = !killed && turn % 2 === 0 ? leader! : survivor;
      try {
        return await call(via, 'POST', path, options);
      } catch (error) {
        if (via === survivor) throw error;
        return call(survivor, 'POST', path, options);
      }
    };
    const flow = async (worker: number) => {
      for (let turn = worker; !(takenOver && flowsAfterTakeover >= 30); turn++) {
        const created = await call(survivor, 'POST', '/api/v1/campaigns', {
          body: { name: 'Flow', startAt: inDays(1), endAt: inDays(2) },
        });
        for (const verb of STEPS) {
          const answer = await step(created.body.id, verb, turn);
          if (answer.status !== 200)
            throw new Error(`${verb} ${created.body.id} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        }
        if (takenOver) flowsAfterTakeover++;
      }
    };
    const flowing = Promise.all(Array.from({ length: WORKERS }, (_, worker) => flow(worker)));

    await eventually('the leader published 60 events', () => reader.messages.length >= 60, { timeoutMs: 30_000 });
    const exited = once(leader!.child, 'exit');
    const killedAt = performance.now();
    leader!.kill();
    killed = true;
    await exited;
    // The lease lasts 5 s from its last renewal; the survivor asks every second (OUTBOX_POLL_INTERVAL_MS).
    await eventually('the survivor took the relay over', async () => (await relayStateOf(survivor)) === 'running', {
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    const takeoverMs = performance.now() - killedAt;
    takenOver = true;
    await flowing;

    const unpublished = async () => Number((await db('outbox').whereNull('published_at').count({ n: '*' }))[0]!.n);
    await eventually('every event is marked published', async () => (await unpublished()) === 0, { timeoutMs: 30_000 });
    await reader.catchUp();
    const outbox: Array<{ event_id: string; event_type: string; campaign_id: string }> = await db('outbox')
      .select('event_id', 'event_type', db.raw('CAST(aggregate_id AS TEXT) AS campaign_id'))
      .orderBy('sequence');
    const delivered = reader.messages;
    expect(
      new Set(delivered.map((m) => m.headers.ce_id)),
      'every committed event arrived, and nothing else',
    ).to.deep.equal(new Set(outbox.map((row) => row.event_id)));
    const campaigns = new Set(outbox.map((row) => row.campaign_id));
    for (const id of campaigns) {
      const committed = outbox.filter((row) => row.campaign_id === id).map((row) => row.event_type);
      expect(committed, `campaign ${id} went through every step`).to.deep.equal([
        'CampaignStarted',
        'CampaignPaused',
        'CampaignResumed',
      ]);
      expect(firstDeliveries(delivered.filter((m) => m.key === id)), `events of campaign ${id} on Kafka`).to.deep.equal(
        committed,
      );
    }
    const repeats = delivered.length - outbox.length;
    this.test!.title +=
      ` (${campaigns.size} campaigns, ${outbox.length} events; taken over ${(takeoverMs / 1000).toFixed(1)} s after the kill; ${repeats} repeated)`;
  });
});

/** The event types of one campaign's messages in partition order, each event counted at its first delivery only. */
function firstDeliveries(messages: readonly ReadMessage[]): string[] {
  const seen = new Set<string>();
  return [...messages]
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .filter((m) => !seen.has(m.headers.ce_id!) && seen.add(m.headers.ce_id!))
    .map((m) => m.headers.ce_type!);
}
