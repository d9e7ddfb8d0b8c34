import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import knex from 'knex';
import { mintToken } from '../../../src/adapters/auth/token-minter.js';
import { SQLITE, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { ServiceProcess } from '../../support/service-process.js';
import { inDays, TEST_SECRET } from '../../support/test-service.js';

const CAMPAIGNS = 200;
/** SIGTERM goes out when this many starts have been answered: the burst is then still in full flight. */
const ANSWERED_BEFORE_SIGTERM = 20;
/** Starts fired after SIGTERM, while the process drains: refused or answered, never half done. */
const LATECOMERS = 50;

type Outcome = { id: string; status: number; body: string } | { id: string; failure: string };

describe('Graceful shutdown of the service process (node dist/src/main.js)', function () {
  // A real process creating and starting 200 campaigns: 11 s on a quiet machine, over 20 s on a loaded one.
  this.timeout(45_000);
  let database: TestDatabase;
  let token: string;
  const env = () => ({ ...database.env, AUTH_JWT_SECRET: TEST_SECRET, SCHEDULER: 'off', OUTBOX_RELAY: 'off' });

  beforeEach(async () => {
    database = await SQLITE.create();
    token = await mintToken({ secret: TEST_SECRET, subject: 'shutdown-test' });
  });
  afterEach(() => database.drop());

  const call = (service: ServiceProcess, method: string, path: string, body?: unknown) =>
    fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  async function createCampaigns(service: ServiceProcess, count: number): Promise<string[]> {
    const ids: string[] = [];
    while (ids.length < count) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, count - ids.length) }, async () => {
          const answer = await call(service, 'POST', '/api/v1/campaigns', {
            name: 'Burst',
            startAt: inDays(1),
            endAt: inDays(2),
          });
          expect(answer.status).to.equal(200);
          return ((await answer.json()) as { id: string }).id;
        }),
      );
      ids.push(...batch);
    }
    return ids;
  }

  async function start(service: ServiceProcess, id: string): Promise<Outcome> {
    try {
      const answer = await call(service, 'POST', `/api/v1/campaigns/${id}/start`);
      return { id, status: answer.status, body: await answer.text() };
    } catch (error) {
      return { id, failure: String((error as { cause?: unknown }).cause ?? error) };
    }
  }

  /** What the SQLite file holds once the process is gone: each campaign's status and its CampaignStarted rows. */
  async function stored(): Promise<Map<string, { status: string; starts: number }>> {
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename: join(database.dataDir, 'campaigns.sqlite') },
      useNullAsDefault: true,
    });
    try {
      const campaigns: Array<{ id: string; status: string }> = await db('campaigns').select(
        db.raw('CAST(id AS TEXT) AS id'),
        'status',
      );
      const starts: Array<{ id: string; n: number }> = await db('outbox')
        .where('event_type', 'CampaignStarted')
        .groupBy('aggregate_id')
        .select(db.raw('CAST(aggregate_id AS TEXT) AS id'), db.raw('count(*) AS n'));
      const startsById = new Map(starts.map((row) => [row.id, Number(row.n)]));
      return new Map(campaigns.map((row) => [row.id, { status: row.status, starts: startsById.get(row.id) ?? 0 }]));
    } finally {
      await db.destroy();
    }
  }

  it('loses no acknowledged start when SIGTERM arrives during a burst of starts, and exits 0', async () => {
    const service = await ServiceProcess.start(env());
    const ids = await createCampaigns(service, CAMPAIGNS);
    const exited = once(service.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

    let answered = 0;
    let answeredAfterSignal = 0;
    let latecomers: Promise<Outcome[]> = Promise.resolve([]);
    const burst = await Promise.all(
      ids.slice(0, CAMPAIGNS - LATECOMERS).map(async (id) => {
        const outcome = await start(service, id);
        if ('status' in outcome && answered >= ANSWERED_BEFORE_SIGTERM) answeredAfterSignal++;
        if (++answered === ANSWERED_BEFORE_SIGTERM) {
          service.child.kill('SIGTERM');
          latecomers = Promise.all(ids.slice(CAMPAIGNS - LATECOMERS).map((late) => start(service, late)));
        }
        return outcome;
      }),
    );
    const outcomes = [...burst, ...(await latecomers)];
    const [code] = await exited;

    expect(code, service.output.join('').slice(-2000)).to.equal(0);
    const acknowledged = outcomes.filter((o): o is Extract<Outcome, { status: number }> => 'status' in o);
    expect(
      acknowledged.filter((o) => o.status !== 200),
      'every answer the service gave is a success',
    ).to.deep.equal([]);
    expect(answeredAfterSignal, 'requests in flight at SIGTERM were finished, not dropped').to.be.greaterThan(0);

    const rows = await stored();
    for (const { id } of acknowledged) {
      expect(rows.get(id), `acknowledged start of ${id}`).to.deep.equal({ status: 'running', starts: 1 });
    }
    for (const { id } of outcomes.filter((o) => 'failure' in o)) {
      expect(rows.get(id), `refused start of ${id} left nothing behind`).to.deep.equal({
        status: 'scheduled',
        starts: 0,
      });
    }
    expect(service.output.join('')).to.match(/"msg":"stopped"/);
  });

  it('exits 1 with a log line when a request is still open after SHUTDOWN_TIMEOUT_MS', async () => {
    const service = await ServiceProcess.start({ ...env(), SHUTDOWN_TIMEOUT_MS: '300' });
    const stuck = await requestInFlight(service.url, token);
    try {
      const code = await service.stop();
      expect(code).to.equal(1);
      expect(service.output.join('')).to.match(
        /"level":50[^\n]*"msg":"shutdown timed out: exiting with work still open"/,
      );
    } finally {
      stuck.destroy();
    }
  });

  for (const signal of ['SIGINT', 'SIGHUP'] as const) {
    it(`stops on ${signal} too, as on SIGTERM, exiting 0`, async () => {
      const service = await ServiceProcess.start(env());
      service.child.kill(signal);
      const [code] = (await once(service.child, 'exit')) as [number | null];
      expect(code).to.equal(0);
      expect(service.output.join('')).to.match(new RegExp(`"signal":"${signal}"[^\\n]*"msg":"stopping"`));
    });
  }
});

/**
 * A create whose body never comes: with `Expect: 100-continue` the service answers `100 Continue` once it begins
 * to read the body, so when that line arrives the request is certainly in flight.
 */
async function requestInFlight(url: string, token: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.write(
    'POST /api/v1/campaigns HTTP/1.1\r\n' +
      `Host: ${hostname}:${port}\r\nAuthorization: Bearer ${token}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n',
  );
  let received = '';
  while (!received.includes('100 Continue')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    received += chunk.toString();
  }
  return socket;
}
