import { CampaignAlreadyExists, CreateCampaign } from '../../../../src/application/index.js';
import { CampaignId, CampaignInvalid } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { expect } from '../../../support/expect.js';

describe('CreateCampaign', () => {
  let store: InMemoryUnitOfWork;
  let ids: SequentialIds;
  let createCampaign: CreateCampaign;
  const clock = new FixedClock(new Date('2030-01-01T00:00:00Z'));

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    ids = new SequentialIds(100n);
    createCampaign = new CreateCampaign(store, clock, ids);
  });

  it('stores a scheduled campaign under a generated id, created by the caller', async () => {
    const { id } = await createCampaign.execute({ actor: 'alice', name: 'Spring sale' });
    expect(id).to.equal('100');
    const stored = store.snapshotOf(CampaignId.parse(id));
    expect(stored).to.include({ name: 'Spring sale', status: 'scheduled', createdBy: 'alice' });
    expect(stored?.createdAt).to.deep.equal(clock.now());
  });

  it('records no event: nothing reaches the outbox', async () => {
    await createCampaign.execute({ actor: 'alice', name: 'Quiet' });
    expect(store.outbox).to.have.length(0);
  });

  it('keeps an imported id exactly', async () => {
    const { id } = await createCampaign.execute({
      actor: 'alice',
      name: 'Imported',
      id: CampaignId.parse('9007199254740993'),
    });
    expect(id).to.equal('9007199254740993');
  });

  it('refuses an imported id that already exists', async () => {
    const command = { actor: 'alice', name: 'Imported', id: CampaignId.parse('7') };
    await createCampaign.execute(command);
    await expect(createCampaign.execute(command)).to.be.rejectedWith(CampaignAlreadyExists);
  });

  it('draws another id when a generated one collides', async () => {
    await createCampaign.execute({ actor: 'alice', name: 'Taken', id: CampaignId.parse('100') });
    const { id } = await createCampaign.execute({ actor: 'alice', name: 'Fresh' });
    expect(id).to.equal('101');
  });

  it('refuses invalid dates without storing anything', async () => {
    const backwards = { startAt: new Date('2031-01-02T00:00:00Z'), endAt: new Date('2031-01-01T00:00:00Z') };
    await expect(createCampaign.execute({ actor: 'alice', name: 'Backwards', ...backwards })).to.be.rejectedWith(
      CampaignInvalid,
    );
    expect((await store.list({ offset: 0, limit: 10, order: 'id' })).total).to.equal(0);
  });

  describe('under an Idempotency-Key', () => {
    const keyed = (fingerprint: string) => ({ idempotency: { key: 'k', fingerprint } });

    it('answers a repeat with the first id and creates nothing more', async () => {
      const first = await createCampaign.execute({ actor: 'alice', name: 'Once', ...keyed('POST /campaigns a') });
      const again = await createCampaign.execute({ actor: 'alice', name: 'Once', ...keyed('POST /campaigns a') });
      expect(again).to.deep.equal(first);
      expect((await store.list({ offset: 0, limit: 10, order: 'id' })).total).to.equal(1);
    });

    it('answers the id drawn again after a collision, never the collision, to the request and to its repeat', async () => {
      await createCampaign.execute({ actor: 'alice', name: 'Taken', id: CampaignId.parse('100') });
      const first = await createCampaign.execute({ actor: 'alice', name: 'Fresh', ...keyed('POST /campaigns b') });
      expect(first.id).to.equal('101');
      const again = await createCampaign.execute({ actor: 'alice', name: 'Fresh', ...keyed('POST /campaigns b') });
      expect(again).to.deep.equal(first);
    });

    it('binds no key with a campaign refused as asked for: the corrected one may use it', async () => {
      const blank = { actor: 'alice', name: ' ' };
      await expect(createCampaign.execute({ ...blank, ...keyed('POST /campaigns c') })).to.be.rejectedWith(
        CampaignInvalid,
      );
      const { id } = await createCampaign.execute({ actor: 'alice', name: 'On time', ...keyed('POST /campaigns d') });
      expect(store.snapshotOf(CampaignId.parse(id))?.name).to.equal('On time');
    });
  });
});
