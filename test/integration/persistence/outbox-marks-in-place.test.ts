import type { Knex } from 'knex';
import type pg from 'pg';
import { KnexPendingEvents } from '../../../src/adapters/persistence/knex/knex-pending-events.js';
import { migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import { markPublishedQuery } from '../../../src/adapters/persistence/postgres/outbox-statements.js';
import { openTestDatabase, POSTGRES, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { insertOutboxSeries } from '../../support/outbox-series.js';

const MARKS_IN_PLACE = '018-outbox-marks-in-place';

describe("The relay's marks made in place (PostgreSQL)", () => {
  let database: TestDatabase;
  let db: Knex;

  before(async () => {
    database = await POSTGRES.create();
    db = openTestDatabase(database);
    await db.migrate.latest({ migrationSource });
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });
  beforeEach(() => db.raw('TRUNCATE outbox'));

  const indexDefinitions = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      (
        await db.raw(
          `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
           FROM pg_index WHERE indrelid = 'outbox'::regclass`,
        )
      ).rows.map((row: { name: string; definition: string }) => [row.name, row.definition]),
    );

  const storageOptions = async (): Promise<string[] | null> =>
    (await db.raw(`SELECT reloptions FROM pg_class WHERE oid = 'outbox'::regclass`)).rows[0].reloptions;

  /** The rows the relay's mark of `events` changed, and how many of them in place (the backend's counts before and after). */
  async function markInOneTransaction(
    events: Parameters<typeof markPublishedQuery>[0],
  ): Promise<{ updated: number; inPlace: number }> {
    const connection = (await db.client.acquireConnection()) as pg.Client;
    const counts = async () => {
      const { rows } = await connection.query(
        `SELECT pg_stat_get_xact_tuples_updated('outbox'::regclass) AS updated,
                pg_stat_get_xact_tuples_hot_updated('outbox'::regclass) AS in_place`,
      );
      return { updated: Number(rows[0].updated), inPlace: Number(rows[0].in_place) };
    };
    try {
      await connection.query('BEGIN');
      const before = await counts();
      await connection.query(markPublishedQuery(events, new Date()));
      const after = await counts();
      await connection.query('COMMIT');
      return { updated: after.updated - before.updated, inPlace: after.inPlace - before.inPlace };
    } finally {
      await db.client.releaseConnection(connection);
    }
  }

  it('names published_at in no index of the outbox: its keys, expressions and predicates', async () => {
    const definitions = await indexDefinitions();
    expect(definitions).to.have.property('outbox_created');
    expect(Object.values(definitions).filter((definition) => definition.includes('published_at'))).to.deep.equal([]);
  });

  it('fills its pages to 90%, leaving room beside each row for its mark', async () => {
    expect(await storageOptions()).to.deep.equal(['fillfactor=90']);
  });

  it('marks a batch whose page has room in place: the new versions need no index entry', async () => {
    await insertOutboxSeries(db, { prefix: 'in-place-', rows: 5, campaigns: 2 });
    const batch = await new KnexPendingEvents(db).next(10);
    expect(batch).to.have.length(5);
    expect(await markInOneTransaction(batch)).to.deep.equal({ updated: 5, inPlace: 5 });
    expect(await new KnexPendingEvents(db).next(10)).to.deep.equal([]);
  });

  it('gives the outbox its index of publication times back when migrated down, and takes it away again up', async () => {
    await db.migrate.down({ migrationSource, name: MARKS_IN_PLACE });
    const before = await indexDefinitions();
    expect(before).to.have.property('outbox_unpublished');
    expect(before).not.to.have.property('outbox_created');
    expect(await storageOptions()).to.equal(null);
    await insertOutboxSeries(db, { prefix: 'indexed-', rows: 3 });
    expect(await markInOneTransaction(await new KnexPendingEvents(db).next(10))).to.deep.equal({
      updated: 3,
      inPlace: 0,
    });
    await db.migrate.up({ migrationSource, name: MARKS_IN_PLACE });
    const after = await indexDefinitions();
    expect(after).to.have.property('outbox_created');
    expect(after).not.to.have.property('outbox_unpublished');
    expect(await storageOptions()).to.deep.equal(['fillfactor=90']);
  });
});
