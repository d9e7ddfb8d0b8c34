import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexCampaignReader } from '../../../src/adapters/persistence/knex/knex-campaign-reader.js';
import { LOCATE_PAGE, locatePageParameters } from '../../../src/adapters/persistence/knex/page-location.js';
import { migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import {
  BUCKET_OF,
  GROUP_FANOUT,
  GROUP_LEVELS,
  GROUP_OF,
} from '../../../src/adapters/persistence/rows/campaign-buckets.js';
import { toRow } from '../../../src/adapters/persistence/rows/campaign-rows.js';
import type { CampaignOrder, CampaignPage, CampaignQuery, UnitOfWork } from '../../../src/application/index.js';
import { CAMPAIGN_STATUSES, Campaign, CampaignId } from '../../../src/domain/index.js';
import { InMemoryUnitOfWork } from '../../fakes/in-memory-unit-of-work.js';
import { DATABASE_KINDS, serviceUnitOfWork, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

const newCampaign = (id: bigint) =>
  Campaign.create({ id: CampaignId.fromBigInt(id), name: `c${id}`, createdBy: 'test' }, new Date());

/**
 * Ids a client picks (small) and ids the service generates (milliseconds << 22), a few in the same range, and ids on
 * either side of the edges where one group of ranges ends and the next begins: every 2^20 and 2^30 small ids, every
 * 2^42 and 2^52 large ones (`campaign-buckets.ts`).
 */
const anId = fc.oneof(
  fc
    .tuple(
      fc.constantFrom([20n, 1024n], [30n, 1024n], [42n, 1n << 32n], [52n, 1n << 32n]),
      fc.bigInt({ min: 1n, max: 3n }),
      fc.bigInt({ min: -2n, max: 2n }),
      fc.bigInt({ min: 0n, max: 3n }),
    )
    .map(([[edgeBits, range], edge, ranges, within]) => (edge << edgeBits) + ranges * range + within),
  fc.bigInt({ min: 1n, max: 5000n }),
  fc.bigInt({ min: 0n, max: 20n }).map((n) => (1n << 40n) - 10n + n),
  fc
    .tuple(fc.bigInt({ min: 1n << 38n, max: (1n << 38n) + 50n }), fc.bigInt({ min: 0n, max: (1n << 22n) - 1n }))
    .map(([ms, low]) => (ms << 22n) | low),
  fc.bigInt({ min: 9223372036854775000n, max: 9223372036854775807n }),
);

/** The rows of a raw query's answer, on either database, as `counted` and `n` strings. */
function rowsOf(answer: unknown): Array<{ counted: string; n: string }> {
  const rows = (Array.isArray(answer) ? answer : (answer as { rows: unknown[] }).rows) as Array<{
    counted: unknown;
    n: unknown;
  }>;
  return rows.map(({ counted, n }) => ({ counted: String(counted), n: String(n) }));
}

/** The counts PostgreSQL reads to locate the page at `offset`, from its statistics of this transaction. */
async function countsReadOnPostgres(db: Knex, offset: number): Promise<number> {
  return db.transaction(async (trx) => {
    const read = async () =>
      Number(
        (
          await trx.raw(`SELECT SUM(pg_stat_get_xact_tuples_returned(oid) + pg_stat_get_xact_tuples_fetched(oid)) AS n
            FROM pg_class WHERE oid IN ('campaign_buckets'::regclass, 'campaign_buckets_pkey'::regclass,
              'campaign_bucket_groups'::regclass, 'campaign_bucket_groups_pkey'::regclass)`)
        ).rows[0].n,
      );
    const before = await read();
    await trx.raw(LOCATE_PAGE, locatePageParameters(offset));
    return (await read()) - before;
  });
}

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

/** Migrates `name` down after every later migration that writes the counts' triggers again (014), newest first. */
async function migrateDownTo(db: Knex, name: string): Promise<void> {
  await db.migrate.down({ migrationSource, name: '014-empty-counts-dropped' });
  await db.migrate.down({ migrationSource, name });
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

    /**
     * The drawn pages, and a page of two from every position (so each range, and each edge between groups, is
     * the one a page starts in at least once), are the slices of `all`, with its length as their total.
     */
    async function expectPagesAsCountingWould(all: readonly string[], pages: ReadonlyArray<[number, number]>) {
      const everyPosition = Array.from({ length: all.length + 1 }, (_, offset): [number, number] => [offset, 2]);
      for (const [offset, limit] of [...pages, ...everyPosition]) {
        const page = await reader.list({ offset, limit, order: 'id' });
        expect(page.total).to.equal(all.length);
        expect(page.campaigns.map((c) => c.id.toString())).to.deep.equal(all.slice(offset, offset + limit));
      }
    }

    /**
     * Every range and every group of each level holds, by its count, exactly the stored campaigns that fall in it,
     * and there is no row for a range or group that holds none: an emptied count is deleted with its last campaign.
     */
    async function expectCountsOfStoredCampaigns(db: Knex): Promise<void> {
      const countedFromCampaigns = async (of: string) =>
        rowsOf(
          await db.raw(`SELECT CAST(${of} AS TEXT) AS counted, count(*) AS n FROM campaigns GROUP BY 1 ORDER BY 1`),
        );
      const kept = async (table: string, key: string, level?: number) =>
        rowsOf(
          await db.raw(
            `SELECT CAST(${key} AS TEXT) AS counted, campaigns AS n FROM ${table}
              ${level === undefined ? '' : `WHERE level = ${level}`} ORDER BY 1`,
          ),
        );
      expect(await kept('campaign_buckets', 'bucket')).to.deep.equal(await countedFromCampaigns(BUCKET_OF('id')));
      for (const level of GROUP_LEVELS) {
        expect(await kept('campaign_bucket_groups', 'bucket_group', level)).to.deep.equal(
          await countedFromCampaigns(GROUP_OF(level, BUCKET_OF('id'))),
        );
      }
    }

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
            await expectCountsOfStoredCampaigns(database());
            await expectPagesAsCountingWould(all, pages);
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
            await expectCountsOfStoredCampaigns(db);
            await expectPagesAsCountingWould(all, pages);
          },
        ),
        propertyParameters(25),
      );
    });

    it("locates any page through a bounded number of counts, however many ranges the store's history filled", async () => {
      const db = database();
      // One campaign a second for about fourteen hours, as a service creating them one at a time holds them.
      const ids = Array.from({ length: 50_000 }, (_, n) => (1_700_000_000_000n + BigInt(n) * 1000n) << 22n);
      await db.transaction((trx) => inStatements(ids, 500, (chunk) => trx('campaigns').insert(chunk.map(campaignRow))));
      for (const offset of [0, 1_024, 25_000, 49_995]) {
        const page = await reader.list({ offset, limit: 10, order: 'id' });
        expect(page.total).to.equal(ids.length);
        expect(page.campaigns.map((c) => c.id.toString())).to.deep.equal(ids.slice(offset, offset + 10).map(String));
      }
      if (kind.name === 'PostgreSQL') {
        // Each count read is seen twice, in the primary key and in the table; the store holds 50,000 ranges.
        expect(await countsReadOnPostgres(db, 49_995)).to.be.at.most(2 * 3 * GROUP_FANOUT);
      } else {
        const plan = (await db.raw(`EXPLAIN QUERY PLAN ${LOCATE_PAGE}`, locatePageParameters(49_995))) as Array<{
          detail: string;
        }>;
        // One search of the primary key per level: all of level 2, and a span of 1,024 below it, twice.
        const countsRead = plan.map((step) => step.detail).filter((step) => step.includes('campaign_bucket'));
        expect(countsRead).to.have.members([
          'SEARCH campaign_bucket_groups USING INDEX sqlite_autoindex_campaign_bucket_groups_1 (level=?)',
          'SEARCH campaign_bucket_groups USING INDEX sqlite_autoindex_campaign_bucket_groups_1 (level=? AND bucket_group>? AND bucket_group<?)',
          'SEARCH campaign_buckets USING INDEX sqlite_autoindex_campaign_buckets_1 (bucket>? AND bucket<?)',
        ]);
      }
    });

    if (kind.name === 'PostgreSQL') {
      it('keeps the counts a few pages long after an import of thousands of campaigns in one transaction', async () => {
        const db = database();
        // From an empty table: the tests before leave a row, at zero, for every range their ids touched.
        await db.raw('TRUNCATE campaigns, campaign_buckets, campaign_bucket_groups');
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

      it('writes the count of a range, and of each group holding it, once per statement that inserts or deletes campaigns in it, however many campaigns the statement holds', async () => {
        await fc.assert(
          fc.asyncProperty(bulkWrites(120, 60), async ({ ids, perStatement, gone }) => {
            const db = database();
            await db('campaigns').delete();
            await db.transaction(async (trx) => {
              // Versions of its rows this backend wrote, not yet flushed to the statistics: none flushes inside a transaction.
              const written = async () =>
                Number(
                  (
                    await trx.raw(`SELECT SUM(pg_stat_get_xact_tuples_inserted(oid) + pg_stat_get_xact_tuples_updated(oid)) AS n
                        FROM pg_class WHERE oid IN ('campaign_buckets'::regclass, 'campaign_bucket_groups'::regclass)`)
                  ).rows[0].n,
                );
              const before = await written();
              let expected = 0;
              const countsOf = [BUCKET_OF('id'), ...GROUP_LEVELS.map((level) => GROUP_OF(level, BUCKET_OF('id')))];
              const countRowsOf = async (chunk: readonly bigint[]) =>
                Number(
                  (
                    await trx.raw(
                      `SELECT ${countsOf.map((of) => `count(DISTINCT ${of})`).join(' + ')} AS n FROM unnest(?::bigint[]) AS id`,
                      [chunk.map(String)],
                    )
                  ).rows[0].n,
                );
              await inStatements(ids, perStatement, async (chunk) => {
                await trx('campaigns').insert(chunk.map(campaignRow));
                expected += await countRowsOf(chunk);
              });
              await inStatements(gone, perStatement, async (chunk) => {
                await trx('campaigns').whereIn('id', chunk.map(String)).delete();
                expected += await countRowsOf(chunk);
              });
              expect((await written()) - before).to.equal(expected);
            });
          }),
          propertyParameters(25),
        );
      });

      it('counts row by row again, and exactly, once the counting per statement is migrated down', async () => {
        const db = database();
        await migrateDownTo(db, '010-campaign-buckets-per-statement');
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

    it('counts a campaign whose id was changed by hand under its new id, in its range and in every group', async () => {
      const db = database();
      await db('campaigns').insert([5n, 6n, 1n << 45n].map(campaignRow));
      await db('campaigns')
        .where('id', '5')
        .update({ id: ((1n << 52n) + 9n).toString() });
      await db('campaigns')
        .where('id', (1n << 45n).toString())
        .update({ id: '7' });
      await expectCountsOfStoredCampaigns(db);
      await expectPagesAsCountingWould(['6', '7', ((1n << 52n) + 9n).toString()], [[0, 5]]);
    });

    it('counts in groups the campaigns stored before the groups were installed', async () => {
      const db = database();
      await migrateDownTo(db, '011-campaign-bucket-groups');
      const ids = [5n, 1n << 20n, 1n << 45n, (1n << 52n) + 7n];
      try {
        await db('campaigns').insert(ids.map(campaignRow));
        await db('campaigns').where('id', '5').delete();
      } finally {
        await db.migrate.latest({ migrationSource });
      }
      await expectCountsOfStoredCampaigns(db);
      await expectPagesAsCountingWould(ids.slice(1).map(String), [[1, 5]]);
    });

    it('counts the campaigns stored before the counting was installed', async () => {
      const db = database();
      await migrateDownTo(db, '007-campaign-buckets');
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

for (const kind of DATABASE_KINDS) {
  describe(`Listing campaigns in another order than by id (${kind.name})`, () => {
    const database = useMigratedDatabase(kind);

    /** The statements `work` sends, `?` for each binding. */
    async function statementsOf(db: Knex, work: () => Promise<unknown>) {
      const sent: Array<{ sql: string; bindings: readonly unknown[] }> = [];
      const note = (query: { sql: string; bindings?: readonly unknown[] }) =>
        sent.push({ sql: query.sql.replace(/\$\d+/g, '?'), bindings: query.bindings ?? [] });
      db.on('query', note);
      try {
        await work();
      } finally {
        db.removeListener('query', note);
      }
      return sent;
    }

    /** Whether the database would sort to answer `sql`, even told that sorting costs more than anything else. */
    async function sorts(db: Knex, sql: string, bindings: readonly unknown[]): Promise<boolean> {
      if (kind.name === 'SQLite') {
        const plan = (await db.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings as Knex.RawBinding[])) as Array<{
          detail: string;
        }>;
        return plan.some((step) => step.detail.includes('TEMP B-TREE'));
      }
      return db.transaction(async (trx) => {
        await trx.raw('SET LOCAL enable_sort = off');
        const answer = await trx.raw(`EXPLAIN (FORMAT JSON) ${sql}`, bindings as Knex.RawBinding[]);
        return /"Node Type": "(Incremental )?Sort"/.test(JSON.stringify(answer.rows[0]['QUERY PLAN'], null, 1));
      });
    }

    /** The one statement `query` reads its page with (the other is its count). */
    async function pageStatementOf(db: Knex, query: CampaignQuery) {
      const sent = await statementsOf(db, () => new KnexCampaignReader(db).list(query));
      const page = sent.filter(({ sql }) => /order by/i.test(sql));
      expect(page).to.have.length(1);
      return page[0]!;
    }

    for (const order of ['nextStart', 'newest'] as const) {
      it(`gives the list of every campaign in ${order} order its total from the counted ranges, counting no campaign`, async () => {
        const db = database();
        await db.transaction((trx) => trx.batchInsert('campaigns', [1n, 2n, 3n, 1n << 50n].map(campaignRow), 100));
        try {
          const reader = new KnexCampaignReader(db);
          let page: CampaignPage | undefined;
          const sent = await statementsOf(db, async () => {
            page = await reader.list({ offset: 1, limit: 2, order });
          });
          expect(page!.total).to.equal(4);
          expect(page!.campaigns).to.have.length(2);
          const counts = sent.filter(
            ({ sql }) => /count\(/i.test(sql) && /from\s+[`"]?campaigns[`"]?(\s|$)/i.test(sql),
          );
          expect(counts, 'statements counting the campaigns').to.deep.equal([]);
          const filtered = await reader.list({ offset: 0, limit: 1, order, statuses: ['scheduled'] });
          expect(filtered.total, 'a filtered list still counts its matches').to.equal(4);
        } finally {
          await db('campaigns').delete();
        }
      });

      it(`reads a deep page in ${order} order along an index, sorting nothing, whatever the page`, async () => {
        const { sql, bindings } = await pageStatementOf(database(), { offset: 5000, limit: 20, order });
        expect(await sorts(database(), sql, bindings), sql).to.equal(false);
      });
    }

    for (const order of ['id', 'newest', 'nextStart'] as const) {
      for (const statuses of [['paused'], ['running', 'paused', 'draft']] as const) {
        it(`reads a deep page of ${statuses.join(', ')} in ${order} order along an index leading with the status, sorting nothing`, async () => {
          const db = database();
          const { sql, bindings } = await pageStatementOf(db, { offset: 5000, limit: 20, order, statuses });
          expect(await sorts(db, sql, bindings), sql).to.equal(false);
          if (kind.name !== 'SQLite') return;
          const plan = (await db.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings as Knex.RawBinding[])) as Array<{
            detail: string;
          }>;
          const statusReads = plan.filter((step) => step.detail.includes('(status=?)')).map((step) => step.detail);
          expect(statusReads, 'the campaigns skipped are not read, only their index entries').to.have.length(
            statuses.length,
          );
          for (const read of statusReads) expect(read).to.include('COVERING INDEX campaigns_status_');
        });
      }
    }
  });

  describe(`Listing campaigns by status, name and order as a model of the list would (${kind.name})`, function () {
    this.timeout(120_000);
    const database = useMigratedDatabase(kind);
    afterEach(() => database()('campaigns').delete());

    /** Campaigns whose statuses, creation and start times often tie, so each order's last key decides. */
    const storedCampaign = fc.record({
      id: anId,
      status: fc.constantFrom(...CAMPAIGN_STATUSES),
      createdSecond: fc.integer({ min: 0, max: 3 }),
      startSecond: fc.option(fc.integer({ min: 0, max: 3 })),
      name: fc.constantFrom('Sale', 'sale 2', 'Launch', 'Winter sale'),
    });
    const query = fc.record({
      statuses: fc.array(fc.constantFrom(...CAMPAIGN_STATUSES), { maxLength: 4 }),
      order: fc.constantFrom<CampaignOrder>('id', 'newest', 'nextStart'),
      offset: fc.nat(40),
      limit: fc.integer({ min: 1, max: 15 }),
      search: fc.option(fc.constantFrom('sale', 'LAUNCH', 'x'), { nil: undefined }),
    });
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));

    it('gives the total and the page the model gives, for any statuses (repeated ones too), order, search and page', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(storedCampaign, { maxLength: 40, selector: (c) => c.id.toString() }),
          fc.array(query, { minLength: 1, maxLength: 5 }),
          async (campaigns, queries) => {
            const db = database();
            await db('campaigns').delete();
            const model = new InMemoryUnitOfWork();
            const snapshots = campaigns.map((c) => ({
              ...newCampaign(c.id).snapshot(),
              name: c.name,
              status: c.status,
              createdAt: at(c.createdSecond),
              startAt: c.startSecond === null ? null : at(c.startSecond),
            }));
            for (const snapshot of snapshots) model.putSnapshot(snapshot);
            if (snapshots.length > 0) await db('campaigns').insert(snapshots.map((snapshot) => toRow(snapshot)));
            const reader = new KnexCampaignReader(db);
            for (const asked of queries) {
              const page = await reader.list(asked);
              const expected = await model.list(asked);
              expect(page.total, JSON.stringify(asked)).to.equal(expected.total);
              expect(
                page.campaigns.map((c) => c.id.toString()),
                JSON.stringify(asked),
              ).to.deep.equal(expected.campaigns.map((c) => c.id.toString()));
            }
          },
        ),
        propertyParameters(40),
      );
    });
  });
}
