import fc from 'fast-check';
import {
  CreateCampaign,
  ListCampaigns,
  PAGE_BYTES_BUDGET,
  PageTooLarge,
  refuseOverBudget,
} from '../../../../src/application/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

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

  it('refuses a page whose campaigns hold more than a page answers, naming how many of them fit', async () => {
    const store = new InMemoryUnitOfWork();
    const create = new CreateCampaign(store, clock, new SequentialIds(1n));
    const mail = {
      subject: 's',
      contentType: 'text.html',
      senderEmail: '',
      senderName: '',
      content: 'x'.repeat(100_000),
      repeatMessage: null,
    };
    for (let i = 0; i < 20; i++) {
      await create.execute({
        actor: 'x',
        name: `big ${i}`,
        content: { campaignMails: [mail, mail, mail, mail, mail] },
      });
    }
    const list = new ListCampaigns(store);
    const refusal = await list.execute({ offset: 2, limit: 20, order: 'id' }).catch((error: unknown) => error);
    expect(refusal).to.be.instanceOf(PageTooLarge).with.property('fits', 16);
    expect((refusal as PageTooLarge).message)
      .to.include('start=2')
      .and.include('pageSize=16');
    expect((await list.execute({ offset: 2, limit: 16, order: 'id' })).campaigns).to.have.length(16);
  });

  it('refuses exactly the pages whose rows hold more than the budget, and the page size it names fits (generated)', () => {
    const rowBytes = fc.array(fc.nat({ max: 600 * 1024 }), { maxLength: 500 });
    fc.assert(
      fc.property(rowBytes, fc.nat({ max: 10_000 }), (bytes, offset) => {
        const sum = (rows: number[]) => rows.reduce((total, row) => total + row, 0);
        try {
          refuseOverBudget(bytes, { rows: 'campaigns', offset });
        } catch (error) {
          expect(error).to.be.instanceOf(PageTooLarge);
          const { fits } = error as PageTooLarge;
          expect(sum(bytes)).to.be.above(PAGE_BYTES_BUDGET);
          expect(fits).to.be.below(bytes.length);
          expect(sum(bytes.slice(0, fits)) <= PAGE_BYTES_BUDGET || fits === 1).to.equal(true);
          expect(sum(bytes.slice(0, fits + 1))).to.be.above(PAGE_BYTES_BUDGET);
          return;
        }
        expect(sum(bytes)).to.be.at.most(PAGE_BYTES_BUDGET);
      }),
      propertyParameters(300),
    );
  });
});
