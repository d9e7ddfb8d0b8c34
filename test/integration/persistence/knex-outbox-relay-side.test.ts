import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexPendingEvents } from '../../../src/adapters/persistence/knex/knex-pending-events.js';
import { toDate } from '../../../src/adapters/persistence/rows/database-values.js';
import { outboxRows } from '../../../src/adapters/persistence/rows/outbox-rows.js';
import { serviceUnitOfWork } from '../../../src/adapters/persistence/service-unit-of-work.js';
import { InProcessOutboxSignal } from '../../../src/adapters/system/in-process-outbox-signal.js';
import type { OutboxSignal, UnitOfWork } from '../../../src/application/index.js';
import type { CampaignEvent } from '../../../src/domain/index.js';
import { pausedEvent } from '../../mothers/campaign-event-mother.js';
import { apartForBlockCounts, DATABASE_KINDS, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { blocksTouchedBy, queriesSentBy } from '../../support/postgres-blocks.js';
import { propertyParameters } from '../../support/property-runs.js';

const OCCURRED_AT = new Date('2030-01-01T12:00:00.000Z');

const paused = (eventId: string, campaignId: string) => pausedEvent(eventId, campaignId, OCCURRED_AT);

for (const kind of DATABASE_KINDS) {
  describe(`The outbox as the relay sees it (${kind.name})`, () => {
    const migrated = useMigratedDatabase(apartForBlockCounts(kind));
    let db: Knex;
    before(() => {
      db = migrated();
    });
    let signal: OutboxSignal;
    let unitOfWork: UnitOfWork;
    let pending: KnexPendingEvents;
    beforeEach(async () => {
      await db('outbox').delete();
      signal = new InProcessOutboxSignal();
      unitOfWork = serviceUnitOfWork(kind.name === 'SQLite' ? 'sqlite' : 'postgres', db, signal);
      pending = new KnexPendingEvents(db);
    });

    const append = (...events: CampaignEvent[]) => unitOfWork.run((tx) => tx.outbox.append(events));

    describe('KnexPendingEvents', () => {
      it('answers unpublished events lowest sequence first, up to the limit, with the stored payload text', async () => {
        await append(paused('e-1', '1'), paused('e-2', '2'));
        await append(paused('e-3', '3'));
        const events = await pending.next(2);
        expect(events.map((e) => e.eventId)).to.deep.equal(['e-1', 'e-2']);
        expect(events[1]!.sequence > events[0]!.sequence).to.equal(true);
        expect(events[0]).to.deep.include({
          type: 'CampaignPaused',
          aggregateId: '1',
          occurredAt: OCCURRED_AT,
          payloadJson: `{"campaignId":"1","pausedAt":"${OCCURRED_AT.toISOString()}","pausedBy":"bob"}`,
        });
      });

      it('orders by sequence as a number, not as text (9 before 10)', async () => {
        const ids = Array.from({ length: 12 }, (_, i) => `e-${i + 1}`);
        for (const id of ids) await append(paused(id, '1'));
        expect((await pending.next(20)).map((e) => e.eventId)).to.deep.equal(ids);
      });

      it('keeps the campaign id 9007199254740993 exact', async () => {
        await append(paused('e-big', '9007199254740993'));
        const [event] = await pending.next(10);
        expect(event!.aggregateId).to.equal('9007199254740993');
      });

      it('marks exactly the given sequences published, with one statement, and reads past them', async () => {
        await append(paused('e-1', '1'), paused('e-2', '2'), paused('e-3', '3'));
        const [first, , third] = await pending.next(10);
        const updates = await updatesRunBy(() =>
          pending.markPublished([first!, third!], new Date('2030-01-01T12:00:01Z')),
        );
        expect(updates).to.have.length(1);
        expect((await pending.next(10)).map((e) => e.eventId)).to.deep.equal(['e-2']);
      });

      /** The UPDATE statements `work` ran: every statement sent on a connection, Knex's or not. */
      async function updatesRunBy(work: () => Promise<void>): Promise<string[]> {
        const statements =
          kind.name === 'SQLite'
            ? await sqliteStatementsRunBy(work)
            : (await queriesSentBy(db, work)).map((query) => query.text);
        return statements.filter((sql) => /^update/i.test(sql));
      }

      /** Every statement better-sqlite3 ran while `work` ran, on its one connection. */
      async function sqliteStatementsRunBy(work: () => Promise<void>): Promise<string[]> {
        const connection = (await db.client.acquireConnection()) as { prepare(sql: string): object };
        const statement: { run: (...bindings: unknown[]) => unknown } = Object.getPrototypeOf(
          connection.prepare('SELECT 1'),
        );
        await db.client.releaseConnection(connection);
        const statements: string[] = [];
        const run = statement.run;
        statement.run = function (this: { source: string }, ...bindings: unknown[]) {
          statements.push(this.source);
          return run.apply(this, bindings);
        };
        try {
          await work();
        } finally {
          statement.run = run;
        }
        return statements;
      }

      it('marks any subset of the waiting events, and only it, published at the given time', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), async (chosen) => {
            await db('outbox').delete();
            await append(...chosen.map((_, n) => paused(`p-${n}`, String(n + 1))));
            const waiting = await pending.next(20);
            const at = new Date('2030-01-01T12:00:02.345Z');
            await pending.markPublished(
              waiting.filter((_, n) => chosen[n]),
              at,
            );
            expect((await pending.next(20)).map((e) => e.eventId)).to.deep.equal(
              waiting.filter((_, n) => !chosen[n]).map((e) => e.eventId),
            );
            const stamps = await db('outbox').whereNotNull('published_at').select('published_at');
            expect(stamps.map((row) => toDate(row.published_at).getTime())).to.deep.equal(
              chosen.filter(Boolean).map(() => at.getTime()),
            );
          }),
          propertyParameters(15),
        );
      });

      it('marks sequences above 2^53 exactly', async () => {
        const rows = outboxRows([paused('big-1', '1'), paused('big-2', '1')], OCCURRED_AT, undefined);
        await db('outbox').insert([
          { ...rows[0], sequence: '9007199254740992' },
          { ...rows[1], sequence: '9007199254740993' },
        ]);
        await pending.markPublished([{ sequence: 9007199254740993n, eventId: 'big-2' }], new Date());
        expect((await pending.next(10)).map((e) => [e.eventId, e.sequence])).to.deep.equal([
          ['big-1', 9007199254740992n],
        ]);
      });

      it('reads on after a given sequence, leaving out the events before it and those published', async () => {
        await append(
          paused('e-1', '1'),
          paused('e-2', '2'),
          paused('e-3', '3'),
          paused('e-4', '4'),
          paused('e-5', '5'),
        );
        const [, second, third] = await pending.next(3);
        await pending.markPublished([third!], new Date());
        const after = await pending.next(10, second!.sequence);
        expect(after.map((e) => e.eventId)).to.deep.equal(['e-4', 'e-5']);
      });

      it(
        kind.name === 'PostgreSQL'
          ? 'says when a batch leaves an earlier unpublished event of its campaigns out, and not when it holds them all'
          : 'never says a batch left an earlier event out: SQLite commits one writer at a time, in sequence order',
        async () => {
          await append(paused('e-1', '1'), paused('e-2', '2'), paused('e-3', '1'));
          const [first, second, third] = await pending.next(3);
          expect(await pending.leftBehind([third!])).to.equal(kind.name === 'PostgreSQL');
          expect(await pending.leftBehind([first!, third!])).to.equal(false);
          await pending.markPublished([first!], new Date());
          expect(await pending.leftBehind([second!, third!])).to.equal(false);
        },
      );

      if (kind.name === 'PostgreSQL') {
        it('checks a batch for an event left out by reading only unpublished rows: the published history the outbox keeps adds nothing to its cost, whatever the statistics say', async () => {
          await publishedHistoryAnalyzedWhileWaiting(db, 20_000);
          await append(
            paused('u-first', '1'),
            ...Array.from({ length: 50 }, (_, n) => paused(`u-${n}`, String(1 + n))),
          );
          const batch = await pending.next(51);
          expect(batch).to.have.length(51);
          const { blocks, queries } = await blocksTouchedBy(db, () => pending.leftBehind(batch.slice(1)));
          expect(queries).to.equal(1);
          // Read through the history: about 930 blocks. Through the unpublished rows alone: a descent per campaign.
          expect(blocks, `${blocks} blocks read`).to.be.below(200);
          expect(await pending.leftBehind(batch.slice(1))).to.equal(true);
          expect(await pending.leftBehind(batch)).to.equal(false);
        });

        it('reads a page of unpublished events by their sequences: the published history before them adds nothing to its cost, whatever the statistics say', async () => {
          await publishedHistoryAnalyzedWhileWaiting(db, 20_000);
          await append(...Array.from({ length: 600 }, (_, n) => paused(`u-${n}`, String(1 + (n % 50)))));
          const { blocks } = await blocksTouchedBy(db, () => pending.next(50));
          // Walking the primary key through the 20,000 published rows first: about 600 blocks. The waiting sequences,
          // then each row by its sequence: about 3 blocks a row.
          expect(blocks, `${blocks} blocks read`).to.be.below(4 * 50 + 20);
          const page = await pending.next(500);
          expect(page.map((e) => e.eventId)).to.deep.equal(Array.from({ length: 500 }, (_, n) => `u-${n}`));
          const after = await pending.next(500, page[499]!.sequence);
          expect(after.map((e) => e.eventId)).to.deep.equal(Array.from({ length: 100 }, (_, n) => `u-${500 + n}`));
        });
      }

      it('tells whether every event of a batch read earlier still waits: none marked published since', async () => {
        await append(paused('e-1', '1'), paused('e-2', '2'), paused('e-3', '1'));
        const batch = await pending.next(3);
        expect(await pending.stillWaiting(batch)).to.equal(true);
        await pending.markPublished([batch[1]!], new Date());
        expect(await pending.stillWaiting(batch)).to.equal(false);
        expect(await pending.stillWaiting([batch[0]!, batch[2]!])).to.equal(true);
        expect(await pending.stillWaiting([])).to.equal(true);
      });

      it('marks an event only where the outbox still holds it, says a batch still waits while any of its events is held at its position, unpublished, and finds the events given its positions since left behind, as after a restore (generated)', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }), async (replaced) => {
            await db('outbox').delete();
            await append(...replaced.map((_, n) => paused(`before-${n}`, String(n + 1))));
            const batch = await pending.next(20);
            // The database goes back to a backup taken before these rows; other events are given their positions.
            await db('outbox').delete();
            const rows = outboxRows(
              replaced.map((again, n) => paused(again ? `after-${n}` : `before-${n}`, String(n + 1))),
              OCCURRED_AT,
              undefined,
            );
            await db('outbox').insert(rows.map((row, n) => ({ ...row, sequence: batch[n]!.sequence.toString() })));
            expect(await pending.stillWaiting(batch)).to.equal(replaced.includes(false));
            // Each event given a position of the batch is of the same campaign as the one it replaced.
            expect(await pending.leftBehind(batch)).to.equal(kind.name === 'PostgreSQL' && replaced.includes(true));
            await pending.markPublished(batch, new Date());
            expect((await pending.next(20)).map((e) => e.eventId)).to.deep.equal(
              replaced.flatMap((again, n) => (again ? [`after-${n}`] : [])),
            );
          }),
          propertyParameters(15),
        );
      });
    });

    describe('The unit of work the service runs', () => {
      it('tells the outbox signal after a commit that appended events', async () => {
        let notified = 0;
        signal.listen(() => notified++);
        await append(paused('e-1', '1'));
        expect(notified).to.equal(1);
      });

      it('stays quiet after a commit without events and after a rollback', async () => {
        let notified = 0;
        signal.listen(() => notified++);
        await unitOfWork.run(async (tx) => tx.outbox.append([]));
        const failing = unitOfWork.run(async (tx) => {
          await tx.outbox.append([paused('e-1', '1')]);
          throw new Error('changed my mind');
        });
        await expect(failing).to.be.rejectedWith('changed my mind');
        expect(notified).to.equal(0);
        expect(await pending.next(10)).to.deep.equal([]);
      });
    });
  });
}

/**
 * A backlog of `events`, analyzed while unpublished (as after an outage), then published and vacuumed, as
 * autovacuum does, but not analyzed again: the statistics still say unpublished.
 */
async function publishedHistoryAnalyzedWhileWaiting(db: Knex, events: number): Promise<void> {
  const backlog = Array.from({ length: events }, (_, n) => paused(`h-${n}`, String(1 + (n % 50))));
  const rows = outboxRows(backlog, OCCURRED_AT, undefined);
  for (let i = 0; i < rows.length; i += 1_000) await db('outbox').insert(rows.slice(i, i + 1_000));
  await db.raw('ANALYZE outbox');
  await db('outbox').update({ published_at: OCCURRED_AT });
  await db.raw('VACUUM outbox, outbox_waiting');
}
