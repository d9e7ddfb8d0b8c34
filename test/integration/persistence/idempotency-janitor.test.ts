import type { Knex } from 'knex';
import { KnexIdempotencyJanitor } from '../../../src/adapters/persistence/knex/knex-idempotency-janitor.js';
import { migrateToLatest } from '../../../src/adapters/persistence/migrations/index.js';
import { serviceUnitOfWork } from '../../../src/adapters/persistence/service-unit-of-work.js';
import type { UnitOfWork } from '../../../src/application/index.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';

const HOUR = 3_600_000;
const NOW = new Date('2030-06-01T12:00:00.000Z');
const RETENTION_MS = 24 * HOUR;

for (const kind of DATABASE_KINDS) {
  describe(`Forgetting idempotency keys after their retention (${kind.name})`, () => {
    let database: TestDatabase;
    let db: Knex;
    let unitOfWork: UnitOfWork;

    before(async () => {
      database = await kind.create();
      db = openTestDatabase(database);
      await migrateToLatest(db);
      // The unit of work the service writes keys with on this database.
      unitOfWork = serviceUnitOfWork(kind.name === 'SQLite' ? 'sqlite' : 'postgres', db);
    });
    after(async () => {
      await db.destroy();
      await database.drop();
    });
    beforeEach(() => db('idempotency_keys').delete());

    const remember = (key: string, age: number) =>
      unitOfWork.run((tx) =>
        tx.idempotency.remember(
          { owner: 'alice', key, fingerprint: `start ${key}` },
          { fingerprint: `start ${key}`, kind: 'result', value: { id: key } },
          new Date(NOW.getTime() - age),
        ),
      );
    const remaining = async () =>
      (await db('idempotency_keys').select('key').orderBy('key')).map((row) => row.key as string);

    it('deletes the keys stored longer ago than the retention and keeps the others', async () => {
      await remember('two-days-old', 48 * HOUR);
      await remember('a-minute-past-retention', RETENTION_MS + 60_000);
      await remember('an-hour-old', HOUR);
      await remember('just-now', 0);
      expect((await new KnexIdempotencyJanitor(db, RETENTION_MS).prune(NOW)).deleted).to.equal(2);
      expect(await remaining()).to.deep.equal(['an-hour-old', 'just-now']);
    });

    it('deletes in statements of at most the batch size until none past the retention is left', async () => {
      for (let n = 0; n < 5; n++) await remember(`old-${n}`, 48 * HOUR + n);
      await remember('an-hour-old', HOUR);
      const result = await new KnexIdempotencyJanitor(db, RETENTION_MS, { batchSize: 2, pauseMs: 0 }).prune(NOW);
      expect(result).to.include({ deleted: 5, statements: 3 });
      expect(await remaining()).to.deep.equal(['an-hour-old']);
    });

    it('keeps a key stored exactly at the retention boundary', async () => {
      await remember('at-the-boundary', RETENTION_MS);
      expect((await new KnexIdempotencyJanitor(db, RETENTION_MS).prune(NOW)).deleted).to.equal(0);
      expect(await remaining()).to.deep.equal(['at-the-boundary']);
    });

    it('answers a key that survived pruning with its stored outcome', async () => {
      await remember('an-hour-old', HOUR);
      await new KnexIdempotencyJanitor(db, RETENTION_MS).prune(NOW);
      const outcome = await unitOfWork.run((tx) =>
        tx.idempotency.find({ owner: 'alice', key: 'an-hour-old', fingerprint: 'start an-hour-old' }),
      );
      expect(outcome).to.deep.equal({ fingerprint: 'start an-hour-old', kind: 'result', value: { id: 'an-hour-old' } });
    });
  });
}
