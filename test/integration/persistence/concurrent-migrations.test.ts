import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import type { Knex } from 'knex';
import { openDatabase } from '../../../src/adapters/persistence/knex/open-database.js';
import { migrateToLatest, migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import { NAMELESS_LOCK_ABANDONED_MS } from '../../../src/adapters/persistence/migrations/migration-lock.js';
import { type DatabaseKind, openTestDatabase, POSTGRES, SQLITE, TEST_POSTGRES_URL } from '../../support/databases.js';
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

  for (const content of ['', '\n', 'not a pid', '0', '-1']) {
    it(`is taken over when it names no process (${JSON.stringify(content)}) and is older than a moment, as a start on a full disk leaves it`, async () => {
      const database = await SQLITE.create();
      const file = database.env.DATABASE_URL!.slice('sqlite:'.length);
      const lock = `${file}.migration-lock`;
      writeFileSync(lock, content);
      const madeAt = new Date(Date.now() - NAMELESS_LOCK_ABANDONED_MS - 1_000);
      utimesSync(lock, madeAt, madeAt);
      const db = openTestDatabase(database);
      try {
        const began = performance.now();
        expect(await migrateToLatest(db)).to.deep.equal(await compiledIn());
        expect(performance.now() - began, 'the migration waited').to.be.below(NAMELESS_LOCK_ABANDONED_MS);
        expect(existsSync(lock)).to.equal(false);
      } finally {
        await db.destroy();
        await database.drop();
      }
    });
  }

  it('is waited for while it names no process only for a moment, as one being written does', async () => {
    const database = await SQLITE.create();
    const file = database.env.DATABASE_URL!.slice('sqlite:'.length);
    writeFileSync(`${file}.migration-lock`, '');
    const db = openTestDatabase(database);
    try {
      const began = performance.now();
      expect(await migrateToLatest(db)).to.deep.equal(await compiledIn());
      expect(performance.now() - began, 'the migration waited').to.be.at.least(NAMELESS_LOCK_ABANDONED_MS - 100);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});

describe('A PostgreSQL schema named in DATABASE_SCHEMA that does not exist yet', function () {
  this.timeout(60_000);

  it('is created by the first migration, once, when instances migrate at the same moment', async () => {
    const database = await POSTGRES.create();
    const schema = `${database.env.DATABASE_SCHEMA!}_new`;
    const pools = Array.from({ length: 5 }, () =>
      openTestDatabase({ ...database, env: { ...database.env, DATABASE_SCHEMA: schema } }),
    );
    try {
      const outcomes = await Promise.allSettled(pools.map((db) => migrateToLatest(db)));
      expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason))).to.deep.equal([]);
      const tables = await pools[0]!.raw('SELECT table_name FROM information_schema.tables WHERE table_schema = ?', [
        schema,
      ]);
      expect(tables.rows.map((row: { table_name: string }) => row.table_name)).to.include.members([
        'campaigns',
        'outbox',
      ]);
    } finally {
      await pools[0]!.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await Promise.all(pools.map((db) => db.destroy()));
      await database.drop();
    }
  });
});

describe('A PostgreSQL role that may not create schemas', function () {
  this.timeout(60_000);
  const role = `campaigns_${randomBytes(4).toString('hex')}`;
  const schema = `${role}_own`;
  const asRole = (schemaName: string) =>
    openDatabase({
      kind: 'postgres',
      connectionString: TEST_POSTGRES_URL.replace('//postgres@', `//${role}@`),
      schema: schemaName,
    });
  let admin: Knex;
  before(async () => {
    admin = openDatabase({ kind: 'postgres', connectionString: TEST_POSTGRES_URL });
    await admin.raw('CREATE ROLE ?? LOGIN', [role]);
    await admin.raw('CREATE SCHEMA ?? AUTHORIZATION ??', [schema, role]);
  });
  after(async () => {
    await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await admin.raw('DROP ROLE IF EXISTS ??', [role]);
    await admin.destroy();
  });

  it('migrates in the schema it was given, without asking to create it', async () => {
    const db = asRole(schema);
    try {
      expect(await migrateToLatest(db)).to.deep.equal(await compiledIn());
    } finally {
      await db.destroy();
    }
  });

  it('is told which schema is missing and why it could not be created', async () => {
    const db = asRole(`${role}_missing`);
    try {
      await expect(migrateToLatest(db)).to.be.rejectedWith(
        new RegExp(`DATABASE_SCHEMA "${role}_missing" does not exist and could not be created: .*permission denied`),
      );
    } finally {
      await db.destroy();
    }
  });
});

describe('A PostgreSQL role with a statement_timeout and a lock_timeout shorter than another instance’s migrations', function () {
  this.timeout(60_000);

  it('waits its turn for as long as the other instance migrates, then finds its migrations to apply', async () => {
    const database = await POSTGRES.create();
    const other = openTestDatabase(database);
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', '-c statement_timeout=200 -c lock_timeout=200');
    const impatient = openDatabase({
      kind: 'postgres',
      connectionString: url.toString(),
      schema: database.env.DATABASE_SCHEMA!,
    });
    const connection = await other.client.acquireConnection();
    try {
      await other
        .raw(`SELECT pg_advisory_lock(hashtext('campaign-service migrations ' || current_schema()))`)
        .connection(connection);
      let settled = false;
      const migrating = migrateToLatest(impatient).finally(() => {
        settled = true;
      });
      migrating.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(settled, 'migrated while another instance held the turn').to.equal(false);
      await other.raw('SELECT pg_advisory_unlock_all()').connection(connection);
      expect(await migrating).to.deep.equal(await compiledIn());
    } finally {
      await other.client.releaseConnection(connection);
      await Promise.all([other.destroy(), impatient.destroy()]);
      await database.drop();
    }
  });
});
