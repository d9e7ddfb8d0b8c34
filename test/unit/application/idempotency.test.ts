import {
  CampaignCommandRunner,
  DatabaseUnavailable,
  IdempotencyKeyReused,
  ReplayedRefusal,
  StartCampaign,
  sameRequest,
  type UnitOfWork,
} from '../../../src/application/index.js';
import { Campaign, CampaignId } from '../../../src/domain/index.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../fakes/sequential-ids.js';
import { expect } from '../../support/expect.js';

describe('Idempotency fingerprints', () => {
  it('match only the same request', () => {
    expect(sameRequest('POST /campaigns/42/modify abc', 'POST /campaigns/42/modify abc')).to.equal(true);
    expect(sameRequest('POST /campaigns/42/modify abc', 'POST /campaigns/42/modify abd')).to.equal(false);
    expect(sameRequest('POST /campaigns/42/modify abc', 'POST /campaigns/42/start abc')).to.equal(false);
  });

  it('let a key stored without a digest match any digest of its method and resource, and nothing else', () => {
    expect(sameRequest('POST /campaigns/42/start *', 'POST /campaigns/42/start abc')).to.equal(true);
    expect(sameRequest('POST /campaigns/42/start *', 'POST /campaigns/421/start abc')).to.equal(false);
    expect(sameRequest('POST /campaigns/42/start *', 'POST /campaigns/42/pause abc')).to.equal(false);
    expect(sameRequest('POST /campaigns/42/start *', 'GET /campaigns/42/start abc')).to.equal(false);
  });

  describe('under StartCampaign', () => {
    const id = CampaignId.parse('42');
    let store: InMemoryUnitOfWork;
    let start: StartCampaign;
    const request = (fingerprint: string, requestId: string) => ({
      campaignId: id,
      actor: 'bob',
      idempotency: { key: 'k', fingerprint, requestId },
    });

    beforeEach(() => {
      store = new InMemoryUnitOfWork();
      start = new StartCampaign(
        new CampaignCommandRunner(store, new FixedClock(new Date('2030-01-01T12:00:00Z')), new SequentialIds()),
      );
      store.put(
        Campaign.create({ id, name: 'Sale', status: 'draft', createdBy: 'alice' }, new Date('2030-01-01T00:00:00Z')),
      );
    });

    it('replay a stored refusal with the id of the request that was refused first', async () => {
      await expect(start.execute(request('POST /campaigns/42/start a', 'first'))).to.be.rejected;
      await expect(start.execute(request('POST /campaigns/42/start a', 'second')))
        .to.be.rejectedWith(ReplayedRefusal)
        .and.eventually.have.property('firstRequestId', 'first');
    });

    it('refuse another request under the key, whatever it would have done', async () => {
      await expect(start.execute(request('POST /campaigns/42/start a', 'first'))).to.be.rejected;
      await expect(start.execute(request('POST /campaigns/42/start b', 'second'))).to.be.rejectedWith(
        IdempotencyKeyReused,
      );
    });
  });
});

describe('Idempotency across a database outage', () => {
  const id = CampaignId.parse('42');
  const request = (requestId: string) => ({
    campaignId: id,
    actor: 'bob',
    idempotency: { key: 'k', fingerprint: 'POST /campaigns/42/start a', requestId },
  });

  it('keeps no outcome for a request the database could not take, so its retry is carried out', async () => {
    const store = new InMemoryUnitOfWork();
    store.put(
      Campaign.create(
        { id, name: 'Sale', status: 'scheduled', startAt: new Date('2030-02-01T00:00:00Z'), createdBy: 'alice' },
        new Date('2030-01-01T00:00:00Z'),
      ),
    );
    let outage = true;
    const unitOfWork: UnitOfWork = {
      run(work) {
        if (!outage) return store.run(work);
        outage = false;
        return Promise.reject(new DatabaseUnavailable(new Error('Connection terminated unexpectedly')));
      },
    };
    const start = new StartCampaign(
      new CampaignCommandRunner(unitOfWork, new FixedClock(new Date('2030-01-01T12:00:00Z')), new SequentialIds()),
    );

    await expect(start.execute(request('first'))).to.be.rejectedWith(DatabaseUnavailable);
    expect(await start.execute(request('second'))).to.deep.equal({ id: '42', version: 2 });
    expect(store.snapshotOf(id)?.status).to.equal('running');
  });
});
