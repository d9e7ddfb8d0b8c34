import { CreateCampaign, ListCampaigns } from '../../../../src/application/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { expect } from '../../../support/expect.js';

describe('ListCampaigns', () => {
  const clock = new FixedClock(new Date('2030-01-01T00:00:00Z'));

  it('pages through campaigns in id order with the total', async () => {
    const store = new InMemoryUnitOfWork();
    const create = new CreateCampaign(store, clock, new SequentialIds(1n));
    for (const name of ['a', 'b', 'c']) await create.execute({ actor: 'x', name });
    const page = await new ListCampaigns(store).execute({ offset: 1, limit: 1, order: 'id' });
    expect(page.total).to.equal(3);
    expect(page.campaigns.map((c) => c.name)).to.deep.equal(['b']);
  });
});
