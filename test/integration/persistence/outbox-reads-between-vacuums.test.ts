import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexPendingEvents } from '../../../src/adapters/persistence/knex/knex-pending-events.js';
import { POSTGRES, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { insertOutboxSeries } from '../../support/outbox-series.js';
import { blocksTouchedBy } from '../../support/postgres-blocks.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';

/**
 * A relay at work between two vacuums: rounds of a few events committed, read as a page and marked published, with
 * the outbox's statistics taken at any round or never (autovacuum's ANALYZE runs whenever it likes, and a VACUUM of
 * an outbox that keeps days of events comes hours apart).
 */
const aRun = fc.record({
  published: fc.integer({ min: 0, max: 20_000 }),
  rounds: fc.integer({ min: 1, max: 600 }),
  eventsPerRound: fc.integer({ min: 1, max: 5 }),
  // Past the last round: the statistics taken after it, just before the page is read.
  analyzedAtRound: fc.option(fc.integer({ min: 0, max: 700 }), { nil: undefined }),
  campaigns: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 100 })),
});

type Run = typeof aRun extends fc.Arbitrary<infer T> ? T : never;

describe("The relay's page between two vacuums (PostgreSQL)", function () {
  this.timeout(propertyTimeoutMs(240_000));
  const database = useMigratedDatabase(POSTGRES);
  let db: Knex;
  before(() => {
    db = database();
  });

  const insert = (prefix: string, rows: number, campaigns: number, published: boolean) =>
    insertOutboxSeries(db, { prefix, rows, campaigns, published });

  async function relayRounds(run: Run, pending: KnexPendingEvents): Promise<number> {
    let marks = 0;
    for (let round = 0; round < run.rounds; round++) {
      if (round === run.analyzedAtRound) await db.raw('ANALYZE outbox');
      await insert(`r${round}-`, run.eventsPerRound, run.campaigns, false);
      const page = await pending.next(500);
      await pending.markPublished(page, new Date());
      marks += page.length;
    }
    if (run.analyzedAtRound !== undefined && run.analyzedAtRound >= run.rounds) await db.raw('ANALYZE outbox');
    return marks;
  }

  it('costs no more than twice what it costs once vacuumed, whatever the marks since and whenever the statistics were taken', async () => {
    await fc.assert(
      fc.asyncProperty(aRun, async (run) => {
        await db.raw('TRUNCATE outbox');
        await db.raw(`DELETE FROM pg_statistic WHERE starelid = 'outbox'::regclass`);
        await insert('h-', run.published, run.campaigns, true);
        await db.raw('VACUUM ANALYZE outbox, outbox_waiting');
        const pending = new KnexPendingEvents(db);
        const marks = await relayRounds(run, pending);
        await insert('w-', 3, run.campaigns, false);
        const between = (await blocksTouchedBy(db, () => pending.next(500))).blocks;
        await db.raw('VACUUM outbox, outbox_waiting');
        const vacuumed = (await blocksTouchedBy(db, () => pending.next(500))).blocks;
        expect(
          between,
          `${marks} marks since the last VACUUM: ${between} blocks, ${vacuumed} once vacuumed`,
        ).to.be.at.most(2 * vacuumed + 16);
      }),
      {
        ...propertyParameters<[Run]>(12),
        examples: [
          // Hundreds of marks, then the statistics taken; hundreds of marks, the statistics never taken.
          [{ published: 5_000, rounds: 400, eventsPerRound: 3, analyzedAtRound: 400, campaigns: 1 }],
          [{ published: 0, rounds: 600, eventsPerRound: 2, analyzedAtRound: undefined, campaigns: 50 }],
        ],
      },
    );
  });
});
