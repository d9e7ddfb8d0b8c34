import { DATABASE_KINDS, SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { TestService } from '../../support/test-service.js';

for (const kind of DATABASE_KINDS) {
  describe(`GET /health/live and /health/ready (${kind.name})`, () => {
    let service: TestService;

    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    it('answers live with 200 {"status":"ok"}, without a token', async () => {
      const answer = await service.request('GET', '/health/live', { token: null });
      expect(answer.status).to.equal(200);
      expect(answer.text).to.equal('{"status":"ok"}');
    });

    it('answers ready with the database up and an empty outbox, without a token', async () => {
      const answer = await service.request('GET', '/health/ready', { token: null });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.include({
        status: 'ready',
        outbox: { backlog: 0, oldestUnpublishedAgeSeconds: null },
      });
      expect(answer.body.database.status).to.equal('up');
      expect(answer.body.database.latencyMs).to.be.a('number');
    });

    it('counts the events a start committed as backlog while no relay publishes them', async () => {
      const id = await service.createCampaign();
      await service.request('POST', `/api/v1/campaigns/${id}/start`);
      const { body } = await service.request('GET', '/health/ready', { token: null });
      expect(body.outbox.backlog).to.equal(1);
      expect(body.outbox.oldestUnpublishedAgeSeconds).to.be.at.least(0);
      expect(body).not.to.have.property('relay');
    });
  });
}

describe('GET /health/ready when the database does not answer', () => {
  let service: TestService;

  before(async () => {
    service = await TestService.start(SQLITE);
    await service.db.destroy();
  });
  after(() => service.stop());

  it('answers 503 unavailable, naming the database as down', async () => {
    const answer = await service.request('GET', '/health/ready', { token: null });
    expect(answer.status).to.equal(503);
    expect(answer.body.status).to.equal('unavailable');
    expect(answer.body.database.status).to.equal('down');
    expect(answer.body.database.error).to.be.a('string');
  });

  it('still answers live, so the orchestrator does not restart a process that only waits for its database', async () => {
    expect((await service.request('GET', '/health/live', { token: null })).status).to.equal(200);
  });

  it('answers API requests with 500 INTERNAL and no internals', async () => {
    const answer = await service.request('GET', '/api/v1/campaigns/42');
    expect(answer.status).to.equal(500);
    expect(Object.keys(answer.body).sort()).to.deep.equal(['code', 'message', 'requestId']);
    expect(answer.body.code).to.equal('INTERNAL');
  });
});
