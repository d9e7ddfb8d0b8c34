import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { openDatabase } from '../../src/adapters/persistence/knex/open-database.js';
import { migrateToLatest } from '../../src/adapters/persistence/migrations/index.js';
import { PostgresUnitOfWork } from '../../src/adapters/persistence/postgres/postgres-unit-of-work.js';
import { SqliteGroupCommitUnitOfWork } from '../../src/adapters/persistence/sqlite/sqlite-group-commit-unit-of-work.js';
import type { UnitOfWork } from '../../src/application/index.js';

/** The PostgreSQL server the tests use; every test database lives in a schema of its own. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** The environment that points the service at this database. */
  env: Record<string, string>;
  dataDir: string;
  drop(): Promise<void>;
}

export interface DatabaseKind {
  name: 'SQLite' | 'PostgreSQL';
  create(): Promise<TestDatabase>;
}

export const SQLITE: DatabaseKind = {
  name: 'SQLite',
  async create() {
    const dataDir = mkdtempSync(join(tmpdir(), 'campaigns-test-'));
    return {
      env: { DATA_DIR: dataDir, DATABASE_URL: `sqlite:${join(dataDir, 'campaigns.sqlite')}` },
      dataDir,
      async drop() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export const POSTGRES: DatabaseKind = {
  name: 'PostgreSQL',
  async create() {
    const dataDir = mkdtempSync(join(tmpdir(), 'campaigns-test-'));
    const schema = `test_${randomBytes(6).toString('hex')}`;
    await withAdmin((db) => db.raw(`CREATE SCHEMA ${schema}`));
    return {
      env: { DATA_DIR: dataDir, DATABASE_URL: TEST_POSTGRES_URL, DATABASE_SCHEMA: schema },
      dataDir,
      async drop() {
        await withAdmin((db) => db.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

/** PostgreSQL in a database of its own, made by `creation` (given its name) and dropped after, with the service's tables in `schema`. */
function databaseOfItsOwn(prefix: string, creation: (name: string) => string, schema?: string): DatabaseKind {
  return {
    name: 'PostgreSQL',
    async create() {
      const dataDir = mkdtempSync(join(tmpdir(), 'campaigns-test-'));
      const name = `${prefix}_${randomBytes(6).toString('hex')}`;
      await withAdmin((db) => db.raw(creation(name)));
      const url = new URL(TEST_POSTGRES_URL);
      url.pathname = `/${name}`;
      return {
        env: { DATA_DIR: dataDir, DATABASE_URL: url.toString(), ...(schema ? { DATABASE_SCHEMA: schema } : {}) },
        dataDir,
        async drop() {
          await withAdmin((db) => db.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/**
 * PostgreSQL in a database of its own rather than a schema of the shared one, for tests that count the blocks a
 * read touches: what VACUUM may remove depends on the oldest transaction open in the same database, so a suite
 * running beside them on the shared one (another clone's tests, say) would leave dead rows for them to read.
 */
export const POSTGRES_APART = databaseOfItsOwn('test_apart', (name) => `CREATE DATABASE ${name}`);

/** The kind to count blocks on: PostgreSQL apart from other suites, SQLite as it is. */
export function apartForBlockCounts(kind: DatabaseKind): DatabaseKind {
  return kind === POSTGRES ? POSTGRES_APART : kind;
}

/**
 * PostgreSQL in a database of its own whose `LC_CTYPE` and `LC_COLLATE` are `C`, where `lower()` folds A to Z
 * only: a schema cannot have it, the character type is the database's. Created from template0.
 */
export const POSTGRES_C_CTYPE = databaseOfItsOwn(
  'test_c',
  (name) => `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
  'campaigns',
);

/** Every database the persistence and HTTP suites run against. */
export const DATABASE_KINDS: readonly DatabaseKind[] = [SQLITE, POSTGRES];

/** A connection of the test's own to a test database, as the service opens it (schema included). */
export function openTestDatabase(database: TestDatabase): knex.Knex {
  const url = database.env.DATABASE_URL!;
  return openDatabase(
    url.startsWith('sqlite:')
      ? { kind: 'sqlite', filename: url.slice('sqlite:'.length) }
      : { kind: 'postgres', connectionString: url, schema: database.env.DATABASE_SCHEMA! },
  );
}

/** The unit of work the service runs on a database of `kind`. */
export function serviceUnitOfWork(kind: DatabaseKind, db: knex.Knex): UnitOfWork {
  return kind.name === 'SQLite' ? new SqliteGroupCommitUnitOfWork(db) : new PostgresUnitOfWork(db);
}

async function withAdmin(work: (db: knex.Knex) => Promise<unknown>): Promise<void> {
  const db = knex({ client: 'pg', connection: TEST_POSTGRES_URL, pool: { min: 0, max: 1 } });
  try {
    await work(db);
  } finally {
    await db.destroy();
  }
}

/**
 * Registers mocha hooks that give the enclosing suite a migrated database of `kind` of its own, dropped after
 * the suite; answers a getter for its Knex handle.
 */
export function useMigratedDatabase(kind: DatabaseKind): () => knex.Knex {
  let database: TestDatabase | undefined;
  let db: knex.Knex | undefined;
  before(async () => {
    database = await kind.create();
    db = openTestDatabase(database);
    await migrateToLatest(db);
  });
  after(async () => {
    await db?.destroy();
    await database?.drop();
  });
  return () => db!;
}
