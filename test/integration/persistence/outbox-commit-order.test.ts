import type { Knex } from 'knex';
import { KnexPendingEvents } from '../../../src/adapters/persistence/knex/knex-pending-events.js';
import { migrateToLatest } from '../../../src/adapters/persistence/migrations/index.js';
import { serviceUnitOfWork } from '../../../src/adapters/persistence/service-unit-of-work.js';
import { RelayLoop } from '../../../src/composition/relay-loop.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { soleLeadership } from '../../fakes/in-memory-lease-table.js';
import { RecordingPublisher } from '../../fakes/recording-publisher.js';
import { RecordingRelayLog } from '../../fakes/recording-relay-log.js';
import { startedEvent } from '../../mothers/campaign-event-mother.js';
import { openTestDatabase, POSTGRES, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';

const at = new Date('2030-01-01T12:00:00.000Z');
const started = (eventId: string, campaignId: string) => startedEvent(eventId, campaignId, at);

/**
 * PostgreSQL hands out outbox sequences when rows are inserted, not when they commit: concurrent transactions
 * commit in another order than their sequences. (SQLite has one writer, so there they commit in sequence order.)
 */
describe('An outbox event committed after a later one (PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Knex;

  before(async () => {
    database = await POSTGRES.create();
    db = openTestDatabase(database);
    await migrateToLatest(db);
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });

  it('is published once it commits, although an event with a higher sequence was published before it', async () => {
    const unitOfWork = serviceUnitOfWork('postgres', db);
    const broker = new RecordingPublisher();
    const relay = new RelayLoop(
      {
        pending: new KnexPendingEvents(db),
        publisher: broker,
        leadership: soleLeadership(),
        clock: new FixedClock(new Date()),
        log: new RecordingRelayLog(),
      },
      {
        batchSize: 10,
        pollIntervalMs: 60_000,
        retry: { initialDelayMs: 1, maxDelayMs: 1 },
      },
    );
    let commitSlowOne!: () => void;
    let slowOneAppended!: () => void;
    const appended = new Promise<void>((resolve) => (slowOneAppended = resolve));
    const slow = unitOfWork.run(async (tx) => {
      await tx.outbox.append([started('slow', '1')]);
      slowOneAppended();
      await new Promise<void>((resolve) => (commitSlowOne = resolve));
    });
    await appended;
    await unitOfWork.run((tx) => tx.outbox.append([started('quick', '2')]));

    expect(await relay.drain()).to.equal(1);
    commitSlowOne();
    await slow;
    expect(await relay.drain()).to.equal(1);

    expect(broker.events.map((event) => event.eventId)).to.deep.equal(['quick', 'slow']);
    const [slowEvent, quickEvent] = [broker.events[1]!, broker.events[0]!];
    expect(slowEvent.sequence < quickEvent.sequence, 'the late one has the lower sequence').to.equal(true);
    expect(await db('outbox').whereNull('published_at')).to.deep.equal([]);
  });
});
