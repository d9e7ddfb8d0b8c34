import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { withoutSync } from '../../../src/adapters/persistence/sqlite/unsynced-mark.js';
import { expect } from '../../support/expect.js';

const FULL = 2;
const NORMAL = 1;

describe("The relay's mark on SQLite, which does not wait for the disk", () => {
  let dir: string;
  let connection: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unsynced-mark-'));
    connection = new Database(join(dir, 'm.sqlite'));
    connection.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (v INTEGER)');
  });
  afterEach(() => {
    connection.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const level = () => connection.pragma('synchronous', { simple: true });

  it('writes at synchronous=NORMAL and puts FULL back before anything else can run on the connection', () => {
    let during: unknown;
    withoutSync(connection, () => {
      connection.prepare('INSERT INTO t VALUES (1)').run();
      during = level();
    });
    expect(during).to.equal(NORMAL);
    expect(level()).to.equal(FULL);
    expect(connection.prepare('SELECT count(*) AS n FROM t').get()).to.deep.equal({ n: 1 });
  });

  it('does so on every mark of the connection, not only the first, though its statements are compiled once', () => {
    for (let mark = 1; mark <= 3; mark++) {
      let during: unknown;
      withoutSync(connection, () => {
        connection.prepare('INSERT INTO t VALUES (?)').run(mark);
        during = level();
      });
      expect({ mark, during, after: level() }).to.deep.equal({ mark, during: NORMAL, after: FULL });
    }
  });

  it('puts FULL back when the write fails, and lets the failure through', () => {
    expect(() =>
      withoutSync(connection, () => {
        connection.prepare('INSERT INTO missing VALUES (1)').run();
      }),
    ).to.throw(/no such table/);
    expect(level()).to.equal(FULL);
  });

  it('waits for the disk as before outside WAL mode, where NORMAL could cost the database its integrity', () => {
    connection.exec('PRAGMA journal_mode = DELETE');
    let during: unknown;
    withoutSync(connection, () => {
      during = level();
    });
    expect(during).to.equal(FULL);
  });
});
