import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexCampaignReader } from '../../../src/adapters/persistence/knex/knex-campaign-reader.js';
import { migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import type { UnitOfWork } from '../../../src/application/index.js';
import { Campaign, CampaignId } from '../../../src/domain/index.js';
import { DATABASE_KINDS, serviceUnitOfWork, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

const newCampaign = (id: bigint) =>
  Campaign.create({ id: CampaignId.fromBigInt(id), name: `c${id}`, createdBy: 'test' }, new Date());

/** Ids a client picks (small) and ids the service generates (milliseconds << 22), a few in the same range. */
const anId = fc.oneof(
  fc.bigInt({ min: 1n, max: 5000n }),
  fc.bigInt({ min: 0n, max: 20n }).map((n) => (1n << 40n) - 10n + n),
  fc
    .tuple(fc.bigInt({ min: 1n << 38n, max: (1n << 38n) + 50n }), fc.bigInt({ min: 0n, max: (1n << 22n) - 1n }))
    .map(([ms, low]) => (ms << 22n) | low),
  fc.bigInt({ min: 9223372036854775000n, max: 9223372036854775807n }),
);

for (const kind of DATABASE_KINDS) {
  describe(`Listing campaigns without walking the table (${kind.name})`, function () {
    this.timeout(120_000);
    const database = useMigratedDatabase(kind);
    let unitOfWork: UnitOfWork;
    let reader: KnexCampaignReader;

    before(() => {
      unitOfWork = serviceUnitOfWork(kind, database());
      reader = new KnexCampaignReader(database());
    });
    afterEach(() => database()('campaigns').delete());

    const storedIds = async (db: Knex) =>
      (await db('campaigns').select(db.raw('CAST(id AS TEXT) AS id')).orderBy('campaigns.id')).map((r) => String(r.id));

    it('gives every page and the total exactly as counting and skipping through the whole table would, after any creates and deletes', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(anId, { minLength: 0, maxLength: 60, selector: (id) => id.toString() }),
          fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
          fc.array(fc.tuple(fc.nat(70), fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 6 }),
          async (ids, removed, pages) => {
            await database()('campaigns').delete();
            await Promise.all(ids.map((id) => unitOfWork.run((tx) => tx.campaigns.insert(newCampaign(id)))));
            const gone = ids.filter((_, i) => removed[i]);
            await Promise.all(
              gone.map((id) =>
                unitOfWork.run(async (tx) =>
                  tx.campaigns.remove((await tx.campaigns.find(CampaignId.fromBigInt(id)))!, 1),
                ),
              ),
            );
            const all = await storedIds(database());
            for (const [offset, limit] of pages) {
              const page = await reader.list({ offset, limit, order: 'id' });
              expect(page.total).to.equal(all.length);
              expect(page.campaigns.map((c) => c.id.toString())).to.deep.equal(all.slice(offset, offset + limit));
            }
          },
        ),
        propertyParameters(25),
      );
    });

    it('counts the campaigns stored before the counting was installed', async () => {
      const db = database();
      await db.migrate.down({ migrationSource, name: '007-campaign-buckets' });
      await db('campaigns').insert([
        {
          id: '7',
          name: 'a',
          status: 'scheduled',
          created_at: new Date(),
          created_by: 't',
          updated_at: new Date(),
          version: 1,
        },
        {
          id: '9007199254740993',
          name: 'b',
          status: 'scheduled',
          created_at: new Date(),
          created_by: 't',
          updated_at: new Date(),
          version: 1,
        },
      ]);
      await db.migrate.latest({ migrationSource });
      const page = await reader.list({ offset: 1, limit: 5, order: 'id' });
      expect(page.total).to.equal(2);
      expect(page.campaigns.map((c) => c.id.toString())).to.deep.equal(['9007199254740993']);
    });
  });
}
