import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Knex } from 'knex';
import { mintToken } from '../../../src/adapters/auth/token-minter.js';
import { openTestDatabase, POSTGRES, type TestDatabase } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { MAIN, ServiceProcess } from '../../support/service-process.js';
import { TEST_SECRET } from '../../support/test-service.js';

/** The campaigns a schedule run changes side by side (run-schedule.ts), and more due after them. */
const BATCH = 100;
const DUE = BATCH + 20;

describe('A signal while the service is starting (node dist/src/main.js, PostgreSQL)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let outside: Knex;

  before(async () => {
    database = await POSTGRES.create();
    outside = openTestDatabase(database);
  });
  after(async () => {
    await outside.destroy();
    await database.drop();
  });

  it("stops the startup's catch-up run after the batch in hand, never listens, and exits 0", async () => {
    const env = { ...database.env, AUTH_JWT_SECRET: TEST_SECRET, OUTBOX_RELAY: 'off' };
    const first = await ServiceProcess.start({ ...env, SCHEDULER: 'off' });
    const token = await mintToken({ secret: TEST_SECRET, subject: 'starter' });
    const startAt = new Date(Date.now() + 1_500).toISOString();
    for (let n = 0; n < DUE; n++) {
      const answer = await fetch(`${first.url}/api/v1/campaigns`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Due ${n}`, startAt }),
      });
      expect(answer.status).to.equal(200);
    }
    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, Date.parse(startAt) + 100 - Date.now()));

    // The catch-up run's first change waits for this lock: the process is then certainly still starting.
    const lock = await outside.transaction();
    await lock.raw('LOCK TABLE campaigns IN EXCLUSIVE MODE');
    const holder = (await lock.raw('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env, SCHEDULER: 'on' },
    });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    try {
      await eventually('the catch-up run waits for the lock', async () => {
        const { rows } = await outside.raw(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))',
          [holder],
        );
        return rows[0].n > 0;
      });
      child.kill('SIGTERM');
      await eventually('the process says it is stopping', () => output.join('').includes('"msg":"stopping"'));
    } finally {
      await lock.rollback();
    }
    const [code, signal] = await exited;
    const text = output.join('');
    expect([code, signal], text).to.deep.equal([0, null]);
    expect(text).to.match(/"msg":"stopped"/);
    expect(text).not.to.match(/campaign service listening/);
    const started = await outside('campaigns').where({ status: 'running' }).count({ n: '*' }).first();
    const events = await outside('outbox').where({ event_type: 'CampaignStarted' }).count({ n: '*' }).first();
    expect(Number(started!.n), 'the batch in hand, and no other').to.equal(BATCH);
    expect(Number(events!.n), 'their one event each').to.equal(BATCH);
  });
});
