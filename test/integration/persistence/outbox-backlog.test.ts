import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexOutboxBacklog } from '../../../src/adapters/persistence/knex/knex-outbox-backlog.js';
import { toDate } from '../../../src/adapters/persistence/rows/database-values.js';
import { outboxRows } from '../../../src/adapters/persistence/rows/outbox-rows.js';
import { pausedEvent } from '../../mothers/campaign-event-mother.js';
import { apartForBlockCounts, DATABASE_KINDS, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { blocksTouchedBy } from '../../support/postgres-blocks.js';
import { propertyParameters } from '../../support/property-runs.js';

const EXACT_UP_TO = 5;

/** Rows appended in one go, and which of the rows waiting then the relay publishes. */
const aStep = fc.record({
  appended: fc.integer({ min: 0, max: 8 }),
  published: fc.array(fc.boolean(), { maxLength: 40 }),
});

for (const kind of DATABASE_KINDS) {
  describe(`The outbox backlog a scrape or a readiness probe reads (${kind.name})`, function () {
    this.timeout(120_000);
    const database = useMigratedDatabase(apartForBlockCounts(kind));
    let db: Knex;
    before(() => {
      db = database();
    });
    beforeEach(() => db('outbox').delete());

    let appended = 0;
    const append = async (count: number, createdAt: (n: number) => Date) => {
      for (let n = 0; n < count; n++, appended++) {
        const [row] = outboxRows([pausedEvent(`e-${appended}`, '1', createdAt(n))], createdAt(n), undefined);
        await db('outbox').insert(row);
      }
    };
    const waitingRows = async () =>
      (await db('outbox').select('sequence', 'created_at').whereNull('published_at').orderBy('sequence')).map(
        (row) => ({
          sequence: BigInt(row.sequence),
          createdAt: toDate(row.created_at).getTime(),
        }),
      );

    it(`counts every waiting event up to ${EXACT_UP_TO}; beyond, the sequence span from the oldest to the newest, never fewer than are waiting; the oldest is the lowest sequence`, async () => {
      const backlog = new KnexOutboxBacklog(db, EXACT_UP_TO);
      await fc.assert(
        fc.asyncProperty(fc.array(aStep, { minLength: 1, maxLength: 6 }), async (steps) => {
          await db('outbox').delete();
          for (const step of steps) {
            await append(step.appended, (n) => new Date(Date.UTC(2030, 0, 1, 0, 0, appended + n)));
            const before = await waitingRows();
            const marked = before.filter((_, i) => step.published[i]).map((row) => row.sequence.toString());
            if (marked.length > 0) await db('outbox').whereIn('sequence', marked).update({ published_at: new Date() });
            const waiting = await waitingRows();
            const read = await backlog.backlog();
            if (waiting.length === 0) {
              expect(read).to.deep.equal({ count: 0, oldestCreatedAt: null });
              continue;
            }
            expect(read.oldestCreatedAt?.getTime()).to.equal(waiting[0]!.createdAt);
            const span = Number(waiting.at(-1)!.sequence - waiting[0]!.sequence) + 1;
            expect(read.count).to.equal(waiting.length <= EXACT_UP_TO ? waiting.length : span);
            expect(read.count).to.be.at.least(waiting.length);
          }
        }),
        propertyParameters(15),
      );
    });

    it('counts exactly while nothing between the oldest and the newest waiting event is published, as while the broker is down', async () => {
      await append(12, (n) => new Date(Date.UTC(2030, 0, 1, 0, 0, n)));
      const read = await new KnexOutboxBacklog(db, EXACT_UP_TO).backlog();
      expect(read.count).to.equal(12);
      expect(read.oldestCreatedAt).to.deep.equal(new Date(Date.UTC(2030, 0, 1, 0, 0, 0)));
    });

    it('keeps the span exact with sequence numbers above 2^53', async () => {
      for (let n = 0; n <= EXACT_UP_TO; n++) {
        const [row] = outboxRows([pausedEvent(`big-${n}`, '1')], new Date(Date.UTC(2030, 0, 1)), undefined);
        await db('outbox').insert({ ...row, sequence: db.raw(`${9007199254740993n + BigInt(n)}`) });
      }
      expect((await new KnexOutboxBacklog(db, EXACT_UP_TO).backlog()).count).to.equal(EXACT_UP_TO + 1);
    });

    if (kind.name === 'PostgreSQL') {
      it('reads a bounded part of the outbox however many events wait and however many were published before them', async () => {
        await db.raw(
          `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, payload, occurred_at, created_at, published_at)
           SELECT 'h-' || n, 'Campaign', 1 + n % 50, 'CampaignPaused', '{}', now(), now(), CASE WHEN n <= 20000 THEN now() END
           FROM generate_series(1, 40000) AS n`,
        );
        await db.raw('VACUUM ANALYZE outbox, outbox_waiting');
        const backlog = new KnexOutboxBacklog(db, 1_000);
        const { blocks } = await blocksTouchedBy(db, () => backlog.backlog());
        // Counting the 20,000 waiting rows and the oldest of their creation times: about 580 blocks. Now: about 15.
        expect(blocks, `${blocks} blocks read`).to.be.below(100);
        expect((await backlog.backlog()).count).to.equal(20_000);
      });
    }
  });
}
