import { CampaignNotFound, CreateCampaign, GetCampaign } from '../../../../src/application/index.js';
import { CampaignId } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { expect } from '../../../support/expect.js';

describe('GetCampaign', () => {
  const clock = new FixedClock(new Date('2030-01-01T00:00:00Z'));

  it('finds a stored campaign and refuses an unknown one', async () => {
    const store = new InMemoryUnitOfWork();
    const { id } = await new CreateCampaign(store, clock, new SequentialIds(5n)).execute({ actor: 'a', name: 'One' });
    expect((await new GetCampaign(store).execute(CampaignId.parse(id))).name).to.equal('One');
    await expect(new GetCampaign(store).execute(CampaignId.parse('6'))).to.be.rejectedWith(CampaignNotFound);
  });
});
