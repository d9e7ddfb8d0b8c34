import fc from 'fast-check';
import type { Knex } from 'knex';
import { compiledRead } from '../../../src/adapters/persistence/knex/compiled-read.js';
import { DATABASE_KINDS, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

interface Row {
  n: number | string;
}

for (const kind of DATABASE_KINDS) {
  describe(`A read compiled once (${kind.name})`, () => {
    const migrated = useMigratedDatabase(kind);
    let db: Knex;
    before(async () => {
      db = migrated();
      await db.schema.dropTableIfExists('compiled_read_numbers');
      await db.schema.createTable('compiled_read_numbers', (table) => table.integer('n').primary());
      await db('compiled_read_numbers').insert(Array.from({ length: 40 }, (_, n) => ({ n })));
    });

    /** Numbers above `low` and below `high`, highest first, up to `limit`: the bounds bound before the limit. */
    const numbersBetween = () =>
      compiledRead<Row, 'limit' | 'low' | 'high'>(db, ['limit', 'low', 'high'], ({ low, high, limit }) =>
        db('compiled_read_numbers')
          .select('n')
          .where('n', '<', high)
          .andWhere('n', '>', low)
          .orderBy('n', 'desc')
          .limit(limit),
      );

    it('answers what Knex answers for the same values, each value bound where its slot was, run after run (generated)', async () => {
      const read = numbersBetween();
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: -5, max: 45 }),
          fc.integer({ min: -5, max: 45 }),
          fc.integer({ min: 1, max: 50 }),
          async (low, high, limit) => {
            const expected = await db('compiled_read_numbers')
              .select('n')
              .where('n', '<', high)
              .andWhere('n', '>', low)
              .orderBy('n', 'desc')
              .limit(limit);
            const rows = await read({ high, limit, low });
            expect(rows.map((row) => Number(row.n))).to.deep.equal(expected.map((row: Row) => Number(row.n)));
          },
        ),
        propertyParameters(60),
      );
    });

    it('refuses a query bound to a value that is none of its slots, when it is compiled', () => {
      const query = (limit: number) => db('compiled_read_numbers').select('n').where('n', '>', 3).limit(limit);
      expect(() => compiledRead<Row, 'limit'>(db, ['limit'], ({ limit }) => query(limit))).to.throw(
        /binds 3, which is none of its slots/,
      );
    });
  });
}
