import type { Knex } from 'knex';
import { migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import { toRow } from '../../../src/adapters/persistence/rows/campaign-rows.js';
import { CampaignId } from '../../../src/domain/index.js';
import { aCampaign } from '../../mothers/campaign-mother.js';
import { openTestDatabase, POSTGRES, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';

const GROUPS_MIGRATION = '011-campaign-bucket-groups';

describe('Migrating to the groups of ranges while campaigns are being created (PostgreSQL)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let db: Knex;

  before(async () => {
    database = await POSTGRES.create();
    db = openTestDatabase(database);
    const names = (await migrationSource.getMigrations([])).map((m) => migrationSource.getMigrationName(m));
    for (const name of names.slice(0, names.indexOf(GROUPS_MIGRATION))) await db.migrate.up({ migrationSource, name });
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });

  it('counts in its groups a campaign whose creation committed while the migration ran', async () => {
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    // Written as the version of that schema wrote it: without the folded name, a later migration's column.
    const { name_folded: _, ...row } = toRow(aCampaign({ id: CampaignId.parse('917177473006514176') }).snapshot());
    const creation = db.transaction(async (trx) => {
      await trx('campaigns').insert(row);
      inserted();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    });
    await insertedYet;
    await Promise.all([db.migrate.up({ migrationSource, name: GROUPS_MIGRATION }), creation]);

    const [{ count }] = await db('campaigns').count<{ count: string }[]>('* as count');
    const groups = await db('campaign_bucket_groups')
      .select('level')
      .sum<{ level: number; sum: string }[]>('campaigns as sum')
      .groupBy('level');
    expect(Number(count)).to.equal(1);
    expect(groups.map((g) => [Number(g.level), Number(g.sum)]).sort()).to.deep.equal([
      [1, 1],
      [2, 1],
    ]);
  });
});
