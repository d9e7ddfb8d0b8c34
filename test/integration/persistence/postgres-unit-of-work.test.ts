import { PostgresUnitOfWork } from '../../../src/adapters/persistence/postgres/postgres-unit-of-work.js';
import { SecondWriteRefused } from '../../../src/adapters/persistence/postgres/single-write-transaction.js';
import {
  type CampaignRow,
  selectCampaignColumns,
  toRow,
  toSnapshot,
} from '../../../src/adapters/persistence/rows/campaign-rows.js';
import { changeCampaign, ONE_CHANGE, type UnitOfWork } from '../../../src/application/index.js';
import { Campaign, CampaignId } from '../../../src/domain/index.js';
import { POSTGRES, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';

const now = new Date();
const newCampaign = (id: string) =>
  Campaign.create(
    { id: CampaignId.parse(id), name: 'same', createdBy: 'test', startAt: new Date(now.getTime() + 86_400_000) },
    now,
  );

describe('Units of work on PostgreSQL with statements prepared once', () => {
  const database = useMigratedDatabase(POSTGRES);
  let unitOfWork: UnitOfWork;
  before(() => (unitOfWork = new PostgresUnitOfWork(database())));

  const startOf = (id: string) => (tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0]) =>
    changeCampaign(tx, CampaignId.parse(id), (c) =>
      c.start({ now: new Date(), eventId: `e-${id}-${Math.random()}`, by: 't', trigger: 'manual' }),
    );

  const storedRow = async (id: string): Promise<CampaignRow> =>
    database()('campaigns').select(selectCampaignColumns(database())).where('campaigns.id', id).first();

  it('stores a campaign as the row the schema describes', async () => {
    const campaign = newCampaign('101');
    await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
    const row = await storedRow('101');
    expect(row).to.include({ id: '101', name: 'same', status: 'scheduled', created_by: 'test', content: null });
    expect(Number(row.version)).to.equal(1);
    expect(toSnapshot(row)).to.deep.equal(campaign.snapshot());
  });

  it('reads a stored row back as the campaign it holds', async () => {
    const campaign = newCampaign('102');
    await database()('campaigns').insert(toRow(campaign.snapshot()));
    expect((await unitOfWork.run((tx) => tx.campaigns.find(CampaignId.parse('102'))))!.snapshot()).to.deep.equal(
      campaign.snapshot(),
    );
  });

  it('lets exactly one of many concurrent starts of a campaign win, with one outbox row', async () => {
    await unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('201')));
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => unitOfWork.run(startOf('201'))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
    expect(await database()('outbox').where({ aggregate_id: '201' })).to.have.length(1);
    expect((await database()('campaigns').where({ id: '201' }).first()).version).to.equal(2);
  });

  it('lets exactly one of many concurrent starts told they write once win, with one outbox row', async () => {
    await unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('202')));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => unitOfWork.run(startOf('202'), ONE_CHANGE)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
    expect(await database()('outbox').where({ aggregate_id: '202' })).to.have.length(1);
    expect((await database()('campaigns').where({ id: '202' }).first()).version).to.equal(2);
  });

  it('refuses, before it reaches the database, any write of a unit told it writes once but its insert or saved change', async () => {
    const campaign = newCampaign('203');
    await expect(
      unitOfWork.run(async (tx) => {
        await tx.campaigns.insert(campaign);
        await tx.campaigns.insert(newCampaign('204'));
      }, ONE_CHANGE),
    ).to.be.rejectedWith(SecondWriteRefused);
    expect(await database()('campaigns').where({ id: '204' })).to.deep.equal([]);
    await expect(
      unitOfWork.run(async (tx) => {
        await startOf('203')(tx);
        await tx.idempotency.remember(
          { owner: 'o', key: 'k', fingerprint: 'f' },
          { fingerprint: 'f', kind: 'result', value: 1 },
          now,
        );
      }, ONE_CHANGE),
    ).to.be.rejectedWith(SecondWriteRefused);
    expect(await database()('campaigns').where({ id: '203' }).first()).to.include({ status: 'running' });
    expect(await database()('idempotency_keys').where({ owner: 'o' })).to.deep.equal([]);
  });
});
