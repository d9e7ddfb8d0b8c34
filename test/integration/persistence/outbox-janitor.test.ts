import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexOutboxJanitor } from '../../../src/adapters/persistence/knex/knex-outbox-janitor.js';
import { DATABASE_KINDS, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';

const HOUR = 3_600_000;
const NOW = new Date('2030-06-01T12:00:00.000Z');
const RETENTION_MS = 168 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

/** An age around the retention, its boundary and the milliseconds either side of it more often than by chance. */
const anAge = fc.oneof(
  fc.integer({ min: 0, max: 2 * RETENTION_MS }),
  fc.constantFrom(RETENTION_MS - 1, RETENTION_MS, RETENTION_MS + 1),
);
/** A row written `age` ago and published then or since, or not at all. */
const aRow = fc
  .record({ age: anAge, published: fc.option(anAge, { nil: null }) })
  .map(({ age, published }) => ({ age, publishedAge: published === null ? null : Math.min(published, age) }));

for (const kind of DATABASE_KINDS) {
  describe(`Pruning the published outbox history (${kind.name})`, () => {
    const migrated = useMigratedDatabase(kind);
    let db: Knex;
    before(() => {
      db = migrated();
    });
    let rows = 0;
    beforeEach(() => db('outbox').delete());

    /** An outbox row created `age` ago, published `publishedAge` ago or not at all (null). */
    async function row(eventId: string, age: number, publishedAge: number | null): Promise<void> {
      rows++;
      await db('outbox').insert({
        event_id: eventId,
        aggregate_type: 'campaign',
        aggregate_id: String(rows),
        event_type: 'CampaignStarted',
        payload: '{}',
        occurred_at: ago(age),
        created_at: ago(age),
        published_at: publishedAge === null ? null : ago(publishedAge),
      });
    }

    const remaining = async () =>
      (await db('outbox').select('event_id').orderBy('sequence')).map((r) => r.event_id as string);

    it('deletes the rows published longer ago than the retention, and keeps those published since', async () => {
      await row('published-8-days-ago', 9 * 24 * HOUR, 8 * 24 * HOUR);
      await row('published-1-hour-past-retention', 200 * HOUR, RETENTION_MS + HOUR);
      await row('published-6-days-ago', 6 * 24 * HOUR, 6 * 24 * HOUR);
      await row('published-just-now', 1_000, 500);
      const result = await new KnexOutboxJanitor(db, RETENTION_MS).prune(NOW);
      expect(result.deleted).to.equal(2);
      expect(await remaining()).to.deep.equal(['published-6-days-ago', 'published-just-now']);
    });

    it('never deletes a row that is not published, however old it is', async () => {
      await row('unpublished-a-year-old', 365 * 24 * HOUR, null);
      await row('unpublished-new', 1_000, null);
      await row('published-long-ago', 30 * 24 * HOUR, 30 * 24 * HOUR);
      await new KnexOutboxJanitor(db, RETENTION_MS).prune(NOW);
      expect(await remaining()).to.deep.equal(['unpublished-a-year-old', 'unpublished-new']);
    });

    it('keeps a row published exactly at the retention boundary', async () => {
      await row('on-the-boundary', RETENTION_MS + HOUR, RETENTION_MS);
      await new KnexOutboxJanitor(db, RETENTION_MS).prune(NOW);
      expect(await remaining()).to.deep.equal(['on-the-boundary']);
    });

    it('deletes in statements of at most the batch size until none is left', async () => {
      for (let n = 1; n <= 5; n++) await row(`old-${n}`, 10 * 24 * HOUR, 10 * 24 * HOUR - n);
      await row('unpublished', 10 * 24 * HOUR, null);
      const result = await new KnexOutboxJanitor(db, RETENTION_MS, { batchSize: 2, pauseMs: 0 }).prune(NOW);
      expect(result).to.include({ deleted: 5, statements: 3 });
      expect(await remaining()).to.deep.equal(['unpublished']);
    });

    it('deletes exactly the rows published longer ago than the retention, whatever the rows and batch size', async function () {
      this.timeout(propertyTimeoutMs(60_000));
      await fc.assert(
        fc.asyncProperty(
          fc.array(aRow, { maxLength: 12 }),
          fc.integer({ min: 1, max: 5 }),
          async (drawn, batchSize) => {
            await db('outbox').delete();
            for (const [n, drawnRow] of drawn.entries()) await row(`row-${n}`, drawnRow.age, drawnRow.publishedAge);
            await new KnexOutboxJanitor(db, RETENTION_MS, { batchSize, pauseMs: 0 }).prune(NOW);
            const kept = drawn.flatMap(({ publishedAge }, n) =>
              publishedAge !== null && publishedAge > RETENTION_MS ? [] : [`row-${n}`],
            );
            expect(await remaining()).to.deep.equal(kept);
          },
        ),
        propertyParameters(25),
      );
    });

    it('stops between two statements when asked to, leaving the rest for the next pass', async () => {
      for (let n = 1; n <= 5; n++) await row(`old-${n}`, 10 * 24 * HOUR, 10 * 24 * HOUR - n);
      const result = await new KnexOutboxJanitor(db, RETENTION_MS, { batchSize: 2, pauseMs: 0 }).prune(NOW, () => true);
      expect(result).to.include({ deleted: 2, statements: 1 });
      expect(await remaining()).to.have.length(3);
    });
  });
}
