import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexCampaignReader } from '../../../src/adapters/persistence/knex/knex-campaign-reader.js';
import { migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import { BUCKET_OF } from '../../../src/adapters/persistence/rows/campaign-buckets.js';
import { toRow } from '../../../src/adapters/persistence/rows/campaign-rows.js';
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

/** A campaign's row as an import would write it, straight into the table. */
const campaignRow = (id: bigint) => toRow(newCampaign(id).snapshot());

/** Campaigns imported and then partly deleted in statements of `perStatement` each, as an import or a cleanup would. */
const bulkWrites = (maxCampaigns: number, maxPerStatement: number) =>
  fc
    .record({
      ids: fc.uniqueArray(anId, { minLength: 0, maxLength: maxCampaigns, selector: (id) => id.toString() }),
      perStatement: fc.integer({ min: 1, max: maxPerStatement }),
      removed: fc.array(fc.boolean(), { minLength: maxCampaigns, maxLength: maxCampaigns }),
    })
    .map(({ ids, perStatement, removed }) => ({ ids, perStatement, gone: ids.filter((_, i) => removed[i]) }));

/** Runs `write` once per statement's worth of `ids`, in order. */
async function inStatements(
  ids: readonly bigint[],
  perStatement: number,
  write: (chunk: readonly bigint[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < ids.length; i += perStatement) await write(ids.slice(i, i + perStatement));
}

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

    it('gives the exact total and pages after campaigns inserted and deleted many to a statement, as an import or a cleanup would', async () => {
      await fc.assert(
        fc.asyncProperty(
          bulkWrites(80, 30),
          fc.array(fc.tuple(fc.nat(90), fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 6 }),
          async ({ ids, perStatement, gone }, pages) => {
            const db = database();
            await db('campaigns').delete();
            await db.transaction((trx) =>
              inStatements(ids, perStatement, (chunk) => trx('campaigns').insert(chunk.map(campaignRow))),
            );
            await inStatements(gone, perStatement, (chunk) =>
              db('campaigns').whereIn('id', chunk.map(String)).delete(),
            );
            const all = await storedIds(db);
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

    if (kind.name === 'PostgreSQL') {
      it('keeps the counts a few pages long after an import of thousands of campaigns in one transaction', async () => {
        const db = database();
        // From an empty table: the tests before leave a row, at zero, for every range their ids touched.
        await db.raw('TRUNCATE campaigns, campaign_buckets');
        await db.transaction(async (trx) => {
          for (let first = 1; first <= 20_000; first += 500)
            await trx('campaigns').insert(Array.from({ length: 500 }, (_, i) => campaignRow(BigInt(first + i))));
        });
        const [{ pages }] = (await db.raw("SELECT pg_relation_size('campaign_buckets') / 8192 AS pages")).rows;
        const page = await reader.list({ offset: 19_995, limit: 10, order: 'id' });
        expect(page.total).to.equal(20_000);
        expect(page.campaigns.map((c) => c.id.toString())).to.deep.equal(['19996', '19997', '19998', '19999', '20000']);
        // Counted row by row, the 20,000 versions of the 20 ranges' rows took 109 pages.
        expect(Number(pages)).to.be.at.most(2);
      });

      it('writes the count of a range once per statement that inserts or deletes campaigns in it, however many campaigns the statement holds', async () => {
        await fc.assert(
          fc.asyncProperty(bulkWrites(120, 60), async ({ ids, perStatement, gone }) => {
            const db = database();
            await db('campaigns').delete();
            await db.transaction(async (trx) => {
              // Versions of its rows this backend wrote, not yet flushed to the statistics: none flushes inside a transaction.
              const written = async () =>
                Number(
                  (
                    await trx.raw(`SELECT pg_stat_get_xact_tuples_inserted('campaign_buckets'::regclass)
                        + pg_stat_get_xact_tuples_updated('campaign_buckets'::regclass) AS n`)
                  ).rows[0].n,
                );
              const before = await written();
              let expected = 0;
              const rangesOf = async (chunk: readonly bigint[]) =>
                Number(
                  (
                    await trx.raw(`SELECT count(DISTINCT ${BUCKET_OF('id')}) AS n FROM unnest(?::bigint[]) AS id`, [
                      chunk.map(String),
                    ])
                  ).rows[0].n,
                );
              await inStatements(ids, perStatement, async (chunk) => {
                await trx('campaigns').insert(chunk.map(campaignRow));
                expected += await rangesOf(chunk);
              });
              await inStatements(gone, perStatement, async (chunk) => {
                await trx('campaigns').whereIn('id', chunk.map(String)).delete();
                expected += await rangesOf(chunk);
              });
              expect((await written()) - before).to.equal(expected);
            });
          }),
          propertyParameters(25),
        );
      });

      it('counts row by row again, and exactly, once the counting per statement is migrated down', async () => {
        const db = database();
        await db.migrate.down({ migrationSource, name: '010-campaign-buckets-per-statement' });
        try {
          await db('campaigns').insert([5n, 6n, 1n << 45n].map(campaignRow));
          await db('campaigns').where('id', '6').delete();
          const page = await reader.list({ offset: 0, limit: 5, order: 'id' });
          expect(page.total).to.equal(2);
          expect(page.campaigns.map((c) => c.id.toString())).to.deep.equal(['5', (1n << 45n).toString()]);
        } finally {
          await db('campaigns').delete();
          await db.migrate.latest({ migrationSource });
        }
        await db('campaigns').insert([7n, 8n].map(campaignRow));
        expect((await reader.list({ offset: 0, limit: 5, order: 'id' })).total).to.equal(2);
      });
    }

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
