import fc from 'fast-check';
import type { Knex } from 'knex';
import { migrationSource } from '../../../src/adapters/persistence/migrations/index.js';
import { openTestDatabase, POSTGRES, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { insertOutboxSeries } from '../../support/outbox-series.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';

const WAITING_MIGRATION = '017-outbox-waiting';

/** What can happen to outbox rows: the service's writes and marks, the janitor's deletes, an operator's reset. */
const anOperation = fc.oneof(
  fc.record({
    insert: fc.integer({ min: 1, max: 4 }),
    published: fc.boolean(),
    campaign: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ mark: fc.array(fc.nat(), { maxLength: 4 }) }),
  fc.record({ reset: fc.array(fc.nat(), { maxLength: 3 }) }),
  fc.record({ remove: fc.array(fc.nat(), { maxLength: 3 }) }),
  fc.record({ truncate: fc.constant(true) }),
);

type Operation = typeof anOperation extends fc.Arbitrary<infer T> ? T : never;

describe('The waiting outbox rows kept by triggers (PostgreSQL)', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let database: TestDatabase;
  let db: Knex;
  let names: string[];

  before(async () => {
    database = await POSTGRES.create();
    db = openTestDatabase(database);
    names = (await migrationSource.getMigrations([])).map((m) => migrationSource.getMigrationName(m));
    for (const name of names.slice(0, names.indexOf(WAITING_MIGRATION))) await db.migrate.up({ migrationSource, name });
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });

  let written = 0;
  const insert = (rows: number, campaign: number, published: boolean) =>
    insertOutboxSeries(db, { prefix: `e-${written++}-`, rows, firstCampaign: campaign, published });

  const unpublished = async () =>
    (await db.raw('SELECT sequence, aggregate_id FROM outbox WHERE published_at IS NULL ORDER BY sequence')).rows;
  const waiting = async () =>
    (await db.raw('SELECT sequence, aggregate_id FROM outbox_waiting ORDER BY sequence')).rows;

  /** The sequences at the given positions of the outbox (taken modulo its size), none when it is empty. */
  async function sequencesAt(positions: readonly number[]): Promise<string[]> {
    const all = (await db.raw('SELECT sequence FROM outbox ORDER BY sequence')).rows.map(
      (row: { sequence: string }) => row.sequence,
    );
    return all.length === 0 ? [] : positions.map((position) => all[position % all.length]);
  }

  async function carryOut(operation: Operation): Promise<void> {
    if ('insert' in operation) await insert(operation.insert, operation.campaign, operation.published);
    else if ('mark' in operation)
      await db('outbox')
        .whereIn('sequence', await sequencesAt(operation.mark))
        .whereNull('published_at')
        .update({ published_at: db.fn.now() });
    else if ('reset' in operation)
      await db('outbox')
        .whereIn('sequence', await sequencesAt(operation.reset))
        .update({ published_at: null });
    else if ('remove' in operation)
      await db('outbox')
        .whereIn('sequence', await sequencesAt(operation.remove))
        .delete();
    else await db.raw('TRUNCATE outbox');
  }

  it('takes in the rows that waited before the migration, and none of those published', async () => {
    await insert(3, 1, true);
    await insert(2, 2, false);
    await insert(1, 3, true);
    await insert(1, 1, false);
    const before = await unpublished();
    await db.migrate.up({ migrationSource, name: WAITING_MIGRATION });
    expect(before).to.have.length(3);
    expect(await waiting()).to.deep.equal(before);
  });

  it('holds exactly the unpublished rows after any inserts, marks, resets, deletes and truncations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anOperation, { minLength: 1, maxLength: 12 }), async (operations) => {
        for (const operation of operations) {
          await carryOut(operation);
          expect(await waiting(), JSON.stringify(operation)).to.deep.equal(await unpublished());
        }
      }),
      propertyParameters(30),
    );
  });

  it('is dropped by migrating down, and built again from the outbox by migrating up', async () => {
    await db.raw('TRUNCATE outbox');
    await insert(2, 1, false);
    await db.migrate.down({ migrationSource, name: WAITING_MIGRATION });
    expect((await db.raw(`SELECT to_regclass('outbox_waiting') AS found`)).rows[0].found).to.equal(null);
    await insert(1, 2, false);
    await db.migrate.up({ migrationSource, name: WAITING_MIGRATION });
    expect(await waiting()).to.have.length(3);
    expect(await waiting()).to.deep.equal(await unpublished());
  });
});
