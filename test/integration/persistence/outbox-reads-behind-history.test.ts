import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexOutboxBacklog } from '../../../src/adapters/persistence/knex/knex-outbox-backlog.js';
import { KnexPendingEvents } from '../../../src/adapters/persistence/knex/knex-pending-events.js';
import { POSTGRES, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { insertOutboxSeries } from '../../support/outbox-series.js';
import { blocksTouchedBy } from '../../support/postgres-blocks.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';

/**
 * An outbox as a running service leaves it: published history first, then the events waiting, with PostgreSQL's
 * statistics taken at some point on the way (autovacuum's ANALYZE runs whenever it likes), and the dead rows of
 * the publishing vacuumed away.
 */
const anOutbox = fc.record({
  published: fc.integer({ min: 0, max: 20_000 }),
  batch: fc.integer({ min: 1, max: 50 }),
  // A relay that keeps up leaves a few; one catching up, many.
  waiting: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 1_500 })),
  campaigns: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 100 })),
});

/** When PostgreSQL's statistics of the outbox were last taken: every outbox is read in each of these states. */
const STATISTICS_TAKEN = [
  'never',
  'while the history was waiting',
  'after the history was published',
  'once every row was there',
] as const;

/** How much longer the history grows between the two readings. */
const LONGER_BY = 10_000;

type Shape = typeof anOutbox extends fc.Arbitrary<infer T> ? T : never;
type Outbox = Shape & { analyzed: (typeof STATISTICS_TAKEN)[number] };

/**
 * Every read of the waiting rows the relay, a scrape or a readiness probe repeats: the blocks it read, and how many
 * index descents it makes (one per key it looks up), each of which may go one level deeper in a larger table.
 */
type Reads = Record<string, { blocks: number; descents: number }>;

describe('Every read of the waiting outbox rows (PostgreSQL)', function () {
  this.timeout(propertyTimeoutMs(180_000));
  const database = useMigratedDatabase(POSTGRES);
  let db: Knex;
  before(() => {
    db = database();
  });

  const insert = (prefix: string, rows: number, campaigns: number) =>
    insertOutboxSeries(db, { prefix, rows, campaigns });

  /** As on a table autovacuum has not analyzed yet (TRUNCATE keeps what an earlier ANALYZE found). */
  const forgetStatistics = () => db.raw(`DELETE FROM pg_statistic WHERE starelid = 'outbox'::regclass`);

  async function build(outbox: Outbox): Promise<void> {
    await db.raw('TRUNCATE outbox');
    if (outbox.analyzed === 'never') await forgetStatistics();
    await insert('h-', outbox.published, outbox.campaigns);
    if (outbox.analyzed === 'while the history was waiting') await db.raw('ANALYZE outbox');
    await db('outbox').update({ published_at: db.fn.now() });
    if (outbox.analyzed === 'after the history was published') await db.raw('ANALYZE outbox');
    // The table of waiting rows held the history while it waited: autovacuum takes it within a naptime of the
    // history's publishing (a fifth of its rows dead), before the next events come, and gives its pages back.
    await db.raw('VACUUM outbox_waiting');
    await insert('w-', outbox.waiting, outbox.campaigns);
    if (outbox.analyzed === 'once every row was there') await db.raw('ANALYZE outbox');
    await db.raw('VACUUM outbox, outbox_waiting');
  }

  async function blocksOfEveryRead(batchSize: number): Promise<Reads> {
    const pending = new KnexPendingEvents(db);
    const backlog = new KnexOutboxBacklog(db, 100);
    const batch = await pending.next(batchSize);
    const checked = batch.length > 1 ? batch.slice(1) : batch;
    const read = async (descents: number, work: () => Promise<unknown>) => ({
      blocks: (await blocksTouchedBy(db, work)).blocks,
      descents,
    });
    // A page and a check look each waiting row up in the outbox by its sequence.
    const waiting = await pending.next(500);
    const readPast = await pending.next(500, batch[0]!.sequence);
    return {
      'the relay reading a page': await read(1 + waiting.length, () => pending.next(500)),
      'the relay reading on past a sequence': await read(1 + readPast.length, () =>
        pending.next(500, batch[0]!.sequence),
      ),
      'the relay checking a batch for an event left out': await read(
        new Set(checked.map((event) => event.aggregateId)).size + checked.length + 1,
        () => pending.leftBehind(checked),
      ),
      'the relay checking a batch is still unpublished': await read(batch.length, () => pending.stillWaiting(batch)),
      'a scrape reading the backlog': await read(4, () => backlog.backlog()),
    };
  }

  it(`costs no more behind ${LONGER_BY} more published rows than another plan over the same rows and a level deeper in each index, whenever the statistics were taken`, async () => {
    await fc.assert(
      fc.asyncProperty(anOutbox, async (shape) => {
        for (const analyzed of STATISTICS_TAKEN) {
          const outbox = { ...shape, analyzed };
          await build(outbox);
          const before = await blocksOfEveryRead(outbox.batch);
          await build({ ...outbox, published: outbox.published + LONGER_BY });
          const after = await blocksOfEveryRead(outbox.batch);
          for (const [read, { blocks, descents }] of Object.entries(after)) {
            // Walking through 10,000 more published rows reads about 35 blocks of an index, 300 of the table.
            const was = before[read]!.blocks;
            expect(
              blocks,
              `${read}, statistics taken ${analyzed}: ${was} blocks, then ${blocks} behind ${LONGER_BY} more published rows`,
            ).to.be.at.most(2 * was + 8 + 3 * descents);
          }
        }
      }),
      {
        ...propertyParameters<[Shape]>(15),
        // Shapes on which a read walked the history before: two events waiting, of one campaign or of many.
        examples: [
          [{ published: 0, batch: 1, waiting: 2, campaigns: 1 }],
          [{ published: 0, batch: 1, waiting: 2, campaigns: 30 }],
        ],
      },
    );
  });
});
