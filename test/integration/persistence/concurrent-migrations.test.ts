import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { migrateToLatest, migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import { type DatabaseKind, openTestDatabase, POSTGRES, SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';

const INSTANCES = 10;
const ROUNDS = Number(process.env.MIGRATION_RACE_ROUNDS ?? 5);

async function compiledIn(): Promise<string[]> {
  return (await migrationSource.getMigrations([])).map((migration) => migrationSource.getMigrationName(migration));
}

for (const kind of [POSTGRES, SQLITE] as DatabaseKind[]) {
  describe(`Instances migrating an empty ${kind.name} database at the same moment`, function () {
    this.timeout(120_000);

    it(`all ${INSTANCES} start, one after the other migrates, and each migration is applied once (${ROUNDS} rounds)`, async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const database = await kind.create();
        const pools = Array.from({ length: INSTANCES }, () => openTestDatabase(database));
        try {
          const outcomes = await Promise.allSettled(pools.map((db) => migrateToLatest(db)));
          const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
          expect(
            failures.map((f) => String(f.reason)),
            `round ${round}`,
          ).to.deep.equal([]);
          const applied = outcomes.map((o) => (o as PromiseFulfilledResult<string[]>).value);
          expect(applied.flat(), `round ${round}`).to.deep.equal(await compiledIn());
          const rows = await pools[0]!('knex_migrations').select('name').orderBy('id');
          expect(rows.map((row) => row.name)).to.deep.equal(await compiledIn());
        } finally {
          await Promise.all(pools.map((db) => db.destroy()));
          await database.drop();
        }
      }
    });
  });
}

describe('The SQLite migration lock file', () => {
  it('is taken over when the process that left it no longer exists, and removed after migrating', async () => {
    const database = await SQLITE.create();
    const file = database.env.DATABASE_URL!.slice('sqlite:'.length);
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(`${file}.migration-lock`, String(deadPid));
    const db = openTestDatabase(database);
    try {
      expect(await migrateToLatest(db)).to.deep.equal(await compiledIn());
      expect(existsSync(`${file}.migration-lock`)).to.equal(false);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
