import { POSTGRES, TEST_POSTGRES_URL, type TestDatabase } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { SilenceableProxy } from '../../support/silenceable-proxy.js';
import { TestService } from '../../support/test-service.js';

/** How long readiness waits for the database before it calls it down; a scrape or a probe may take a little more. */
const DATABASE_ANSWER_BOUND_MS = 2_000;
const ANSWERED_WITHIN_MS = DATABASE_ANSWER_BOUND_MS + 1_000;

async function timed<T>(work: Promise<T>): Promise<{ answer: T; ms: number }> {
  const began = performance.now();
  const answer = await work;
  return { answer, ms: performance.now() - began };
}

describe('Probes and scrapes while PostgreSQL does not answer (a network partition)', () => {
  let proxy: SilenceableProxy;
  let database: TestDatabase;
  let service: TestService;

  before(async () => {
    const target = new URL(TEST_POSTGRES_URL);
    proxy = await SilenceableProxy.start(target.hostname, Number(target.port || 5432));
    database = await POSTGRES.create();
    service = await TestService.start(POSTGRES, {
      database: { ...database, env: { ...database.env, DATABASE_URL: proxy.in(TEST_POSTGRES_URL) } },
    });
    const id = await service.createCampaign();
    await service.request('POST', `/api/v1/campaigns/${id}/start`);
    proxy.silence();
  });
  after(async () => {
    proxy.restore();
    await service.stop();
    await proxy.close();
    await database.drop();
  });

  it('GET /metrics answers within the bound readiness keeps, with NaN for the backlog and its age', async () => {
    for (let scrape = 0; scrape < 2; scrape++) {
      const { answer, ms } = await timed(service.request('GET', '/metrics', { token: null }));
      expect(answer.status).to.equal(200);
      expect(ms, 'the scrape took').to.be.below(ANSWERED_WITHIN_MS);
      expect(answer.text).to.match(/^outbox_backlog_events NaN$/m);
      expect(answer.text).to.match(/^outbox_oldest_unpublished_age_seconds NaN$/m);
      expect(answer.text).to.match(/^process_cpu_user_seconds_total /m);
    }
  });

  it('GET /health/ready answers 503 with the database down within the same bound', async () => {
    const { answer, ms } = await timed(service.request('GET', '/health/ready', { token: null }));
    expect(ms, 'the probe took').to.be.below(ANSWERED_WITHIN_MS);
    expect(answer.status).to.equal(503);
    expect(answer.body.database.status).to.equal('down');
  });

  it('reads the backlog again once the database answers again', async () => {
    proxy.restore();
    await eventually('the backlog is read again', async () => {
      const { text } = await service.request('GET', '/metrics', { token: null });
      return /^outbox_backlog_events 1$/m.test(text);
    });
    const ready = await service.request('GET', '/health/ready', { token: null });
    expect(ready.status).to.equal(200);
    expect(ready.body.outbox.backlog).to.equal(1);
    proxy.silence();
  });
});
