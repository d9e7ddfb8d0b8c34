import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { TestService } from '../../support/test-service.js';

for (const kind of DATABASE_KINDS) {
  describe(`A stored campaign in a state its rules cannot reach (${kind.name})`, () => {
    let service: TestService;
    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    it('is never loaded to be changed: a verb on it answers 500 INTERNAL and writes nothing', async () => {
      const id = await service.createCampaign();
      await service.db('campaigns').where('id', id).update({ status: 'running', started_at: null });
      const answer = await service.request('POST', `/api/v1/campaigns/${id}/pause`);
      expect(answer.status).to.equal(500);
      expect(answer.body.code).to.equal('INTERNAL');
      expect((await service.outboxRows()).filter((row) => row.aggregate_id === id)).to.deep.equal([]);
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body).to.include({
        status: 'running',
        pausedAt: null,
      });
    });

    it('is unreadable when a stored time names no instant: both read forms answer 500 INTERNAL, never NaN', async () => {
      const id = await service.createCampaign();
      // What an operator's hand might store: PostgreSQL's infinity, text in SQLite's time column.
      const never = kind.name === 'PostgreSQL' ? service.db.raw(`'infinity'::timestamptz`) : 'never';
      await service.db('campaigns').where('id', id).update({ end_at: never });
      for (const view of ['', '?view=service']) {
        const answer = await service.request('GET', `/api/v1/campaigns/${id}${view}`);
        expect(answer.status, answer.text).to.equal(500);
        expect(answer.body.code).to.equal('INTERNAL');
      }
    });
  });
}
