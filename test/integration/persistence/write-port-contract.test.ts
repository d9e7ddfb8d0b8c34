import type { Knex } from 'knex';
import { migrateToLatest } from '../../../src/adapters/persistence/migrations/index.js';
import { PostgresUnitOfWork } from '../../../src/adapters/persistence/postgres/postgres-unit-of-work.js';
import { SqliteGroupCommitUnitOfWork } from '../../../src/adapters/persistence/sqlite/sqlite-group-commit-unit-of-work.js';
import type { UnitOfWork } from '../../../src/application/index.js';
import { InMemoryUnitOfWork } from '../../fakes/in-memory-unit-of-work.js';
import { type DatabaseKind, openTestDatabase, POSTGRES, SQLITE } from '../../support/databases.js';
import { type OpenWritePort, writePortContract } from './write-port-contract.js';

writePortContract({
  name: 'the in-memory fake the unit tests use',
  async open() {
    const store = new InMemoryUnitOfWork();
    return {
      unitOfWork: store,
      committedEventIds: async () => store.outbox.map((event) => event.eventId),
      close: async () => {},
    };
  },
});

writePortContract({
  name: 'the group commit on SQLite',
  open: () => onDatabase(SQLITE, (db) => new SqliteGroupCommitUnitOfWork(db)),
});

writePortContract({
  name: 'the unit of work on PostgreSQL',
  open: () => onDatabase(POSTGRES, (db) => new PostgresUnitOfWork(db)),
});

async function onDatabase(kind: DatabaseKind, unitOfWorkOn: (db: Knex) => UnitOfWork): Promise<OpenWritePort> {
  const database = await kind.create();
  const db = openTestDatabase(database);
  await migrateToLatest(db);
  return {
    unitOfWork: unitOfWorkOn(db),
    async committedEventIds() {
      const rows: Array<{ event_id: string }> = await db('outbox').select('event_id').orderBy('sequence');
      return rows.map((row) => row.event_id);
    },
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}
