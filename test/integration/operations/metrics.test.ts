import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { sample } from '../../support/metric-sample.js';
import { TestService } from '../../support/test-service.js';

describe('GET /metrics', () => {
  let service: TestService;
  const scrape = async () => (await service.request('GET', '/metrics', { token: null })).text;

  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  it('answers Prometheus text, without a token, with the process metrics', async () => {
    const answer = await service.request('GET', '/metrics', { token: null });
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    expect(answer.text).to.match(/^process_cpu_user_seconds_total /m);
    expect(answer.text).to.match(/^nodejs_eventloop_lag_seconds /m);
  });

  it('times requests by method, route pattern and status, never by raw path', async () => {
    await service.request('GET', '/api/v1/campaigns/777000777');
    await service.request('GET', '/no/such/route/777000777');
    const text = await scrape();
    expect(
      sample(text, 'http_request_duration_seconds_count{method="GET",route="/api/v1/campaigns/:id",status="404"}'),
    ).to.equal(1);
    expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).to.equal(
      1,
    );
    expect(text).not.to.contain('777000777');
  });

  it('shows no write counted on SQLite, whose one connection keeps none for reads', async () => {
    await service.createCampaign();
    const text = await scrape();
    expect(sample(text, 'database_writes_in_progress')).to.equal(0);
    expect(sample(text, 'database_writes_waiting')).to.equal(0);
  });

  it('counts each committed start by trigger and each refused start by code', async () => {
    const id = await service.createCampaign();
    await service.request('POST', `/api/v1/campaigns/${id}/start`);
    await service.request('POST', `/api/v1/campaigns/${id}/start`);
    await service.request('POST', '/api/v1/campaigns/404404/start');
    const text = await scrape();
    expect(sample(text, 'campaigns_started_total{trigger="manual"}')).to.equal(1);
    expect(sample(text, 'campaigns_started_total{trigger="schedule"}')).to.equal(0);
    expect(sample(text, 'campaign_start_refusals_total{code="CAMPAIGN_NOT_STARTABLE"}')).to.equal(1);
    expect(sample(text, 'campaign_start_refusals_total{code="CAMPAIGN_NOT_FOUND"}')).to.equal(1);
  });

  it('counts a start or a refusal once, however often an Idempotency-Key answers it again', async () => {
    const id = await service.createCampaign();
    const before = await scrape();
    for (const key of ['start-once', 'start-once', 'refused-once', 'refused-once', 'refused-once', 'refused-once']) {
      await service.request('POST', `/api/v1/campaigns/${id}/start`, { headers: { 'idempotency-key': key } });
    }
    const after = await scrape();
    const added = (series: string) => (sample(after, series) ?? 0) - (sample(before, series) ?? 0);
    expect(added('campaigns_started_total{trigger="manual"}')).to.equal(1);
    expect(added('campaign_start_refusals_total{code="CAMPAIGN_NOT_STARTABLE"}')).to.equal(1);
  });

  it("times each SQLite commit, the event loop's wait for the disk", async () => {
    const before = sample(await scrape(), 'sqlite_commit_duration_seconds_count') ?? 0;
    await service.request('POST', `/api/v1/campaigns/${await service.createCampaign()}/start`);
    const text = await scrape();
    expect(sample(text, 'sqlite_commit_duration_seconds_count')).to.be.at.least(before + 2);
    expect(sample(text, 'sqlite_commit_duration_seconds_bucket{le="+Inf"}')).to.equal(
      sample(text, 'sqlite_commit_duration_seconds_count'),
    );
    expect(sample(text, 'sqlite_commit_duration_seconds_sum')).to.be.greaterThan(0);
  });

  it('reads the outbox backlog and the age of its oldest event at each scrape', async () => {
    const backlog = Number(
      await service
        .db('outbox')
        .whereNull('published_at')
        .count({ n: '*' })
        .first()
        .then((r) => r?.n),
    );
    const text = await scrape();
    expect(sample(text, 'outbox_backlog_events')).to.equal(backlog);
    expect(sample(text, 'outbox_oldest_unpublished_age_seconds')).to.be.at.least(0);
  });

  it('offers the relay publish latency and error series for the relay to fill', async () => {
    const text = await scrape();
    expect(text).to.contain('# TYPE outbox_relay_publish_duration_seconds histogram');
    expect(text).to.contain('# TYPE outbox_relay_errors_total counter');
  });
});

describe('GET /metrics with METRICS=off', () => {
  it('is an unknown route', async () => {
    const service = await TestService.start(SQLITE, { env: { METRICS: 'off' } });
    try {
      const answer = await service.request('GET', '/metrics', { token: null });
      expect(answer.status).to.equal(404);
      expect(answer.body.code).to.equal('NOT_FOUND');
    } finally {
      await service.stop();
    }
  });
});
