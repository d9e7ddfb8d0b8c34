import { KnexUnitOfWork } from '../../../src/adapters/persistence/knex-unit-of-work.js';
import { PostgresUnitOfWork } from '../../../src/adapters/persistence/postgres-unit-of-work.js';
import { CampaignAlreadyExists, changeCampaign, IdempotencyKeyTaken, type UnitOfWork } from '../../../src/application/index.js';
import { Campaign, CampaignId } from '../../../src/domain/index.js';
import { POSTGRES, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';

const now = new Date();
const newCampaign = (id: string) =>
  Campaign.create({ id: CampaignId.parse(id), name: 'same', createdBy: 'test', startAt: new Date(now.getTime() + 86_400_000) }, now);

describe('Units of work on PostgreSQL with statements prepared once', () => {
  const database = useMigratedDatabase(POSTGRES);
  let unitOfWork: UnitOfWork;
  before(() => (unitOfWork = new PostgresUnitOfWork(database())));

  const startOf = (id: string) => (tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0]) =>
    changeCampaign(tx, CampaignId.parse(id), (c) => c.start({ now: new Date(), eventId: `e-${id}-${Math.random()}`, by: 't', trigger: 'manual' }));

  it('reads back what it wrote, as the Knex unit of work stored it', async () => {
    await new KnexUnitOfWork(database()).run((tx) => tx.campaigns.insert(newCampaign('101')));
    await unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('102')));
    const [viaKnex, viaPrepared] = await unitOfWork.run(async (tx) => [
      (await tx.campaigns.find(CampaignId.parse('101')))!.snapshot(),
      (await tx.campaigns.find(CampaignId.parse('102')))!.snapshot(),
    ]);
    expect({ ...viaPrepared, id: viaKnex.id }).to.deep.equal(viaKnex);
  });

  it('lets exactly one of many concurrent starts of a campaign win, with one outbox row', async () => {
    await unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('201')));
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => unitOfWork.run(startOf('201'))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
    expect(await database()('outbox').where({ aggregate_id: '201' })).to.have.length(1);
    expect((await database()('campaigns').where({ id: '201' }).first()).version).to.equal(2);
  });

  it('writes nothing of a unit that fails after writing, the outbox row included', async () => {
    await unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('301')));
    await expect(
      unitOfWork.run(async (tx) => {
        await startOf('301')(tx);
        throw new Error('changed its mind');
      }),
    ).to.be.rejectedWith('changed its mind');
    expect(await database()('outbox').where({ aggregate_id: '301' })).to.deep.equal([]);
    expect((await database()('campaigns').where({ id: '301' }).first()).status).to.equal('scheduled');
  });

  it('names a taken campaign id and a taken idempotency key, and stays usable after them', async () => {
    await unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('401')));
    await expect(unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('401')))).to.be.rejectedWith(CampaignAlreadyExists);
    const key = { owner: 'o', key: 'k', fingerprint: 'f' };
    const outcome = { fingerprint: 'f', kind: 'result' as const, value: 1 };
    await unitOfWork.run((tx) => tx.idempotency.remember(key, outcome, new Date()));
    await expect(unitOfWork.run((tx) => tx.idempotency.remember(key, outcome, new Date()))).to.be.rejectedWith(IdempotencyKeyTaken);
    expect(await unitOfWork.run((tx) => tx.idempotency.find(key))).to.deep.equal(outcome);
  });
});
