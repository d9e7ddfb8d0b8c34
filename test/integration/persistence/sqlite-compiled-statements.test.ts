import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { openDatabase } from '../../../src/adapters/persistence/knex/open-database.js';
import {
  KEPT_STATEMENTS,
  keepCompiledStatements,
  prepared,
} from '../../../src/adapters/persistence/sqlite/prepared-statements.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

/** A connection whose `prepare` counts the texts SQLite compiles, before the statements are kept. */
function countingCompiles(connection: Database.Database): string[] {
  const compiled: string[] = [];
  const compile = connection.prepare.bind(connection);
  connection.prepare = ((sql: string) => {
    compiled.push(sql);
    return compile(sql);
  }) as Database.Database['prepare'];
  keepCompiledStatements(connection);
  return compiled;
}

/** A connection that compiles nothing: each statement is its text, and each compile is counted. */
function fakeConnection(): { connection: Database.Database; compiled: string[] } {
  const compiled: string[] = [];
  const connection = {
    prepare: (sql: string) => {
      compiled.push(sql);
      return { source: sql };
    },
  } as unknown as Database.Database;
  return { connection, compiled };
}

/** The texts a least-recently-used store of `limit` compiles for `uses`, in order. */
function compilesOfLeastRecentlyUsed(uses: readonly string[], limit: number): string[] {
  const kept: string[] = [];
  const compiles: string[] = [];
  for (const sql of uses) {
    const at = kept.indexOf(sql);
    if (at === -1) {
      compiles.push(sql);
      if (kept.length === limit) kept.shift();
    } else {
      kept.splice(at, 1);
    }
    kept.push(sql);
  }
  return compiles;
}

describe('Statements compiled once on SQLite', () => {
  let dir: string;
  let connection: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'compiled-statements-'));
    connection = new Database(join(dir, 'c.sqlite'));
  });
  afterEach(() => {
    connection.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands back the statement compiled before for the same text, through the connection and through prepared()', () => {
    const compiled = countingCompiles(connection);
    const first = connection.prepare('SELECT ? + 1 AS n');
    expect(connection.prepare('SELECT ? + 1 AS n')).to.equal(first);
    expect(prepared(connection, 'SELECT ? + 1 AS n')).to.equal(first);
    expect(first.get(41)).to.deep.equal({ n: 42 });
    expect(connection.prepare('SELECT ? + 1 AS n').get(1)).to.deep.equal({ n: 2 });
    expect(compiled).to.deep.equal(['SELECT ? + 1 AS n']);
  });

  it('compiles exactly what a least-recently-used store of its size would, and hands each text its own statement', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 80 }),
        (limit, picks) => {
          const texts = picks.map((n) => `SELECT ${n}`);
          const { connection, compiled } = fakeConnection();
          keepCompiledStatements(connection, limit);
          for (const sql of texts) expect(connection.prepare(sql).source).to.equal(sql);
          expect(compiled).to.deep.equal(compilesOfLeastRecentlyUsed(texts, limit));
        },
      ),
      propertyParameters(300),
    );
  });

  it('keeps KEPT_STATEMENTS statements unless told otherwise', () => {
    const { connection, compiled } = fakeConnection();
    keepCompiledStatements(connection);
    const texts = Array.from({ length: KEPT_STATEMENTS + 1 }, (_, n) => `SELECT ${n}`);
    for (const sql of texts) connection.prepare(sql);
    connection.prepare(texts[1]!);
    connection.prepare(texts[0]!);
    expect(compiled).to.deep.equal([...texts, texts[0]]);
  });

  it('runs a kept statement against the schema as it is now, after a column is added or its table made again', () => {
    connection.exec('CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)');
    keepCompiledStatements(connection);
    const everything = () => connection.prepare('SELECT * FROM t').all();
    expect(everything()).to.deep.equal([{ a: 1 }]);
    connection.exec('ALTER TABLE t ADD COLUMN b TEXT');
    expect(everything()).to.deep.equal([{ a: 1, b: null }]);
    connection.exec("DROP TABLE t; CREATE TABLE t (c TEXT); INSERT INTO t VALUES ('x')");
    expect(everything()).to.deep.equal([{ c: 'x' }]);
    connection.exec('DROP TABLE t');
    expect(everything).to.throw(/no such table/);
  });

  it('runs a kept statement again after it failed', () => {
    connection.exec('CREATE TABLE u (k INTEGER PRIMARY KEY)');
    keepCompiledStatements(connection);
    const insert = (k: number) => connection.prepare('INSERT INTO u VALUES (?)').run(k);
    insert(1);
    expect(() => insert(1)).to.throw(/UNIQUE/);
    insert(2);
    expect(connection.prepare('SELECT count(*) AS n FROM u').get()).to.deep.equal({ n: 2 });
  });
});

describe("Knex's queries on the service's SQLite connection", () => {
  let dir: string;
  let db: Knex;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'compiled-statements-knex-'));
    db = openDatabase({ kind: 'sqlite', filename: join(dir, 'k.sqlite') });
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('run on the statement the connection compiled once for their text, each with its own bindings', async () => {
    await db.schema.createTable('v', (table) => table.integer('n'));
    await db('v').insert([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const above = (n: number) => db('v').where('n', '>', n).select('n');
    const connection = (await db.client.acquireConnection()) as Database.Database;
    await db.client.releaseConnection(connection);
    const statement = connection.prepare(above(0).toSQL().sql);
    let runs = 0;
    const all = statement.all.bind(statement);
    statement.all = ((...bindings: unknown[]) => {
      runs += 1;
      return all(...bindings);
    }) as typeof statement.all;
    expect(await above(1)).to.deep.equal([{ n: 2 }, { n: 3 }]);
    expect(await above(2)).to.deep.equal([{ n: 3 }]);
    expect(runs).to.equal(2);
  });
});
