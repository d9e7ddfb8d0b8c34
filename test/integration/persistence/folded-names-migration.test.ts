import fc from 'fast-check';
import type { Knex } from 'knex';
import { foldCase } from '../../../src/adapters/persistence/knex/case-folding.js';
import { KnexCampaignReader } from '../../../src/adapters/persistence/knex/knex-campaign-reader.js';
import { migrateToLatest, migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { unicodeName } from '../../support/unicode-names.js';

const FOLDED_NAMES_MIGRATION = '012-folded-names';
/** More than two of the migration's batches (1,000 campaigns each). */
const CAMPAIGNS = 2_345;

for (const kind of DATABASE_KINDS) {
  describe(`Migrating a ${kind.name} database to the folded names`, function () {
    this.timeout(60_000);
    let database: TestDatabase;
    let db: Knex;

    beforeEach(async () => {
      database = await kind.create();
      db = openTestDatabase(database);
      const names = (await migrationSource.getMigrations([])).map((m) => migrationSource.getMigrationName(m));
      for (const name of names.slice(0, names.indexOf(FOLDED_NAMES_MIGRATION))) {
        await db.migrate.up({ migrationSource, name });
      }
    });
    afterEach(async () => {
      await db.destroy();
      await database.drop();
    });

    /** Campaigns with names from all of Unicode, ids 1, 2, ..., written as the version before the migration wrote them. */
    async function storeAsBefore(names: string[]): Promise<void> {
      const now = new Date('2030-01-01T00:00:00Z');
      const rows = names.map((name, i) => ({
        id: String(i + 1),
        name,
        status: 'draft',
        created_at: now,
        created_by: 'migration',
        updated_at: now,
        version: 1,
      }));
      for (let i = 0; i < rows.length; i += 500) await db('campaigns').insert(rows.slice(i, i + 500));
    }

    const storedNames = async () =>
      (await db('campaigns').select('name', 'name_folded').orderBy('id')) as Array<{
        name: string;
        name_folded: string | null;
      }>;

    it('folds in JavaScript the name of every campaign stored before it, whatever the letters', async () => {
      const names = fc.sample(unicodeName(12), { numRuns: CAMPAIGNS, seed: 42 });
      names[CAMPAIGNS - 1] = '\uA7CB\u1C89 ÉLAN ΟΔΟΣ';
      await storeAsBefore(names);

      expect(await migrateToLatest(db)).to.include(FOLDED_NAMES_MIGRATION);

      expect(await storedNames()).to.deep.equal(names.map((name) => ({ name, name_folded: foldCase(name) })));
      const page = await new KnexCampaignReader(db).list({ offset: 0, limit: 10, order: 'id', search: 'ɤᲊ élan οδοσ' });
      expect(page.campaigns.map((c) => c.id.toString())).to.deep.equal([String(CAMPAIGNS)]);
    });

    it('takes up a fill stopped half way: the column is kept and only the names not folded yet are folded', async () => {
      await storeAsBefore(['First', 'SECOND', 'Third']);
      await db.schema.alterTable('campaigns', (t) => {
        t.text('name_folded').nullable();
      });
      await db('campaigns').where('id', '1').update({ name_folded: 'first, folded before it stopped' });

      await migrateToLatest(db);

      expect((await storedNames()).map((row) => row.name_folded)).to.deep.equal([
        'first, folded before it stopped',
        'second',
        'third',
      ]);
    });
  });
}
