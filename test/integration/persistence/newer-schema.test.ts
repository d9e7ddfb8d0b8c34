import { migrateToLatest } from '../../../src/adapters/persistence/migrations/index.js';
import { DATABASE_KINDS, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';

const FROM_A_NEWER_BUILD = '999-from-a-newer-build';

for (const kind of DATABASE_KINDS) {
  describe(`A ${kind.name} database that a newer build of the service migrated`, function () {
    this.timeout(60_000);
    const db = useMigratedDatabase(kind);

    before(async () => {
      await db()('knex_migrations').insert({ name: FROM_A_NEWER_BUILD, batch: 99, migration_time: new Date() });
    });

    it('is refused with a message naming the migrations this build does not have, and is left as it was', async () => {
      const before = await db()('knex_migrations').select('name').orderBy('id');
      await expect(migrateToLatest(db())).to.be.rejectedWith(
        new RegExp(`holds migrations this build does not have \\(${FROM_A_NEWER_BUILD}\\): a newer version`),
      );
      expect(await db()('knex_migrations').select('name').orderBy('id')).to.deep.equal(before);
    });
  });
}
