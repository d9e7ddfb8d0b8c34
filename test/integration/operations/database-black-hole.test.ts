import pino from 'pino';
import { POSTGRES, TEST_POSTGRES_URL, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { SilenceableProxy } from '../../support/silenceable-proxy.js';
import { TestService } from '../../support/test-service.js';

const ANSWER_DEADLINE_MS = 1_500;

async function timed<T>(work: Promise<T>): Promise<{ answer: T; ms: number }> {
  const began = performance.now();
  const answer = await work;
  return { answer, ms: performance.now() - began };
}

describe('Requests whose statements PostgreSQL never answers (a network that drops every byte)', function () {
  this.timeout(60_000);
  let proxy: SilenceableProxy;
  let database: TestDatabase;
  let service: TestService;
  let logs: LogLines;
  const ids: string[] = [];

  before(async () => {
    const target = new URL(TEST_POSTGRES_URL);
    proxy = await SilenceableProxy.start(target.hostname, Number(target.port || 5432));
    database = await POSTGRES.create();
    logs = new LogLines();
    service = await TestService.start(POSTGRES, {
      database: { ...database, env: { ...database.env, DATABASE_URL: proxy.in(TEST_POSTGRES_URL) } },
      env: { DATABASE_ANSWER_TIMEOUT_MS: String(ANSWER_DEADLINE_MS) },
      logger: pino({ level: 'info' }, logs),
    });
    for (let i = 0; i < 3; i++) ids.push(await service.createCampaign());
  });
  after(async () => {
    proxy.restore();
    await service.stop();
    await proxy.close();
    await database.drop();
  });

  it('answer 503 DATABASE_UNAVAILABLE with Retry-After once the deadline passes, instead of waiting on the network', async () => {
    proxy.blackHole();
    const { answer, ms } = await timed(service.request('POST', `/api/v1/campaigns/${ids[0]}/start`));
    expect(answer.status).to.equal(503);
    expect(answer.body.code).to.equal('DATABASE_UNAVAILABLE');
    expect(answer.body.message).to.match(/Idempotency-Key/);
    expect(answer.headers.get('retry-after')).to.equal('2');
    expect(ms, 'the start took')
      .to.be.at.least(ANSWER_DEADLINE_MS - 100)
      .and.below(ANSWER_DEADLINE_MS + 3_000);

    const read = await timed(service.request('GET', `/api/v1/campaigns/${ids[1]}`));
    expect(read.answer.status).to.equal(503);
    expect(read.answer.body.code).to.equal('DATABASE_UNAVAILABLE');
  });

  it('are carried out again on new connections once the database answers', async () => {
    proxy.restore();
    const started = await service.request('POST', `/api/v1/campaigns/${ids[2]}/start`);
    expect(started.status).to.equal(200);
    const read = await service.request('GET', `/api/v1/campaigns/${ids[0]}?view=service`);
    expect(read.status).to.equal(200);
    expect(read.body.status, 'the start cut off by the partition, committed or not').to.be.oneOf([
      'scheduled',
      'running',
    ]);
  });

  it('leave one line when the outage begins and one when it ends, and no stack trace per request', () => {
    for (const what of ['writes', 'reads']) {
      const began = logs.lines.filter((line) => line.msg.startsWith(`the database does not take ${what}:`));
      const ended = logs.withMessage(`the database takes ${what} again`);
      expect(began, what).to.have.length(1);
      expect(began[0]!.level).to.equal(40);
      expect(began[0]!.cause).to.match(/DatabaseSilent|Connection terminated|timeout/);
      expect(ended, what).to.have.length(1);
      expect(ended[0]!.refused).to.equal(1);
    }
    expect(logs.withMessage('request failed')).to.deep.equal([]);
  });
});
