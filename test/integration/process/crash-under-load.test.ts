import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { mintToken } from '../../../src/adapters/auth/token-minter.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { ServiceProcess } from '../../support/service-process.js';
import { inDays, TEST_SECRET } from '../../support/test-service.js';

const CAMPAIGNS = 200;
const CONNECTIONS = 50;
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 2);

interface Answer {
  status: number;
  body: string;
}

function post(agent: Agent, url: string, path: string, token: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

for (const kind of DATABASE_KINDS) {
  describe(`The service process killed with SIGKILL under load (${kind.name})`, function () {
    this.timeout(60_000 * ROUNDS);

    it(`keeps every start it answered 200, each with exactly one event, and runs nothing without its event (${ROUNDS} kills)`, async () => {
      const token = await mintToken({ secret: TEST_SECRET, subject: 'crash-test' });
      for (let round = 0; round < ROUNDS; round += 1) {
        const database: TestDatabase = await kind.create();
        const env = { ...database.env, AUTH_JWT_SECRET: TEST_SECRET, SCHEDULER: 'off', OUTBOX_RELAY: 'off' };
        const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
        let service = await ServiceProcess.start(env);
        try {
          const ids: string[] = [];
          while (ids.length < CAMPAIGNS) {
            const batch = await Promise.all(
              Array.from({ length: CONNECTIONS }, () =>
                post(agent, service.url, '/api/v1/campaigns', token, {
                  name: 'Crash',
                  startAt: inDays(1),
                  endAt: inDays(2),
                }),
              ),
            );
            ids.push(...batch.map((answer) => JSON.parse(answer.body).id as string));
          }
          // Each campaign is started twice, from different connections, so races are in flight when the kill comes.
          const queue = shuffled([...ids, ...ids]);
          const answeredOk = new Set<string>();
          let answered = 0;
          const killAfterAnswers = 1 + Math.floor(Math.random() * queue.length * 0.8);
          const killed = new Promise<void>((resolve) => {
            const check = setInterval(() => {
              if (answered >= killAfterAnswers) {
                clearInterval(check);
                service.kill();
                resolve();
              }
            }, 1);
          });
          const workers = Array.from({ length: CONNECTIONS }, async () => {
            for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
              try {
                const answer = await post(agent, service.url, `/api/v1/campaigns/${id}/start`, token);
                answered += 1;
                if (answer.status === 200) answeredOk.add(id);
                else expect(answer.status, answer.body).to.equal(409);
              } catch {
                return; // The process is gone: this start's outcome is unknown, and either outcome is allowed.
              }
            }
          });
          await Promise.all([...workers, killed]);
          agent.destroy();
          if (service.child.exitCode === null && service.child.signalCode === null) await once(service.child, 'exit');

          service = await ServiceProcess.start(env);
          const context = `round ${round}, killed after ${killAfterAnswers} answers, ${answeredOk.size} starts answered 200`;
          const db = openTestDatabase(database);
          try {
            const campaigns = await db('campaigns').select(db.raw('CAST(id AS TEXT) AS id'), 'status');
            const events = (await db('outbox')
              .where('event_type', 'CampaignStarted')
              .select(db.raw('CAST(aggregate_id AS TEXT) AS id'))
              .count({ n: '*' })
              .groupBy('aggregate_id')) as Array<{ id: unknown; n: unknown }>;
            const startEvents = new Map(events.map((row) => [String(row.id), Number(row.n)]));
            const statusOf = new Map(campaigns.map((row) => [String(row.id), String(row.status)]));
            for (const id of answeredOk) {
              expect(statusOf.get(id), `${context}: ${id}`).to.equal('running');
            }
            for (const [id, status] of statusOf) {
              expect(startEvents.get(id) ?? 0, `${context}: ${id} is ${status}`).to.equal(status === 'running' ? 1 : 0);
            }
            const readBack = await fetch(`${service.url}/api/v1/campaigns/${[...answeredOk][0] ?? ids[0]}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            expect(readBack.status, context).to.equal(200);
          } finally {
            await db.destroy();
          }
        } finally {
          agent.destroy();
          await service.stop();
          await database.drop();
        }
      }
    });
  });
}
