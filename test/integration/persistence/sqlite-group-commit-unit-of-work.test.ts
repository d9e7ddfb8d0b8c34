import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { openDatabase } from '../../../src/adapters/persistence/knex/open-database.js';
import { migrateToLatest } from '../../../src/adapters/persistence/migrations/index.js';
import {
  ConnectionWantedInsideUnit,
  SqliteGroupCommitUnitOfWork,
} from '../../../src/adapters/persistence/sqlite/sqlite-group-commit-unit-of-work.js';
import { Campaign, CampaignId } from '../../../src/domain/index.js';
import { expect } from '../../support/expect.js';

const newCampaign = (id: string) =>
  Campaign.create({ id: CampaignId.parse(id), name: `c${id}`, createdBy: 'test' }, new Date());

for (const guardUnits of [true, false]) {
  describe(
    guardUnits ? 'Group commit on SQLite' : 'Group commit on SQLite, without the guard on units (production)',
    () => {
      let dir: string;
      let filename: string;
      let db: Knex;
      let unitOfWork: SqliteGroupCommitUnitOfWork;

      beforeEach(async () => {
        dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
        filename = join(dir, 'c.sqlite');
        db = openDatabase({ kind: 'sqlite', filename });
        await migrateToLatest(db);
        unitOfWork = new SqliteGroupCommitUnitOfWork(db, undefined, { guardUnits });
      });
      afterEach(async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      });

      const storedIds = async () =>
        (await db('campaigns').select(db.raw('CAST(id AS TEXT) AS id')).orderBy('campaigns.id')).map((r) => r.id);

      it('commits units that arrive together in one transaction, and each sees its own writes', async () => {
        const results = await Promise.all(
          ['1', '2', '3'].map((id) =>
            unitOfWork.run(async (tx) => {
              await tx.campaigns.insert(newCampaign(id));
              return (await tx.campaigns.find(CampaignId.parse(id)))?.id.toString();
            }),
          ),
        );
        expect(results).to.deep.equal(['1', '2', '3']);
        expect(await storedIds()).to.deep.equal(['1', '2', '3']);
      });

      it('rolls back only the unit that failed after writing; the others in its batch commit', async () => {
        const outcomes = await Promise.allSettled([
          unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('10'))),
          unitOfWork.run(async (tx) => {
            await tx.campaigns.insert(newCampaign('11'));
            throw new Error('changed its mind');
          }),
          unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('12'))),
        ]);
        expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
        expect(await storedIds()).to.deep.equal(['10', '12']);
      });

      it('keeps the writes of a batch whatever its other units did: read only, failed before writing, failed after', async () => {
        await unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('13')));
        const outcomes = await Promise.allSettled([
          unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('14'))),
          unitOfWork.run((tx) => tx.campaigns.find(CampaignId.parse('13'))),
          unitOfWork.run(async (tx) => {
            await tx.campaigns.find(CampaignId.parse('13'));
            throw new Error('refused before writing');
          }),
          unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('15'))),
          unitOfWork.run(async (tx) => {
            await tx.campaigns.insert(newCampaign('16'));
            await tx.campaigns.insert(newCampaign('17'));
            throw new Error('refused after writing twice');
          }),
          unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('18'))),
        ]);
        expect(outcomes.map((o) => o.status)).to.deep.equal([
          'fulfilled',
          'fulfilled',
          'rejected',
          'fulfilled',
          'rejected',
          'fulfilled',
        ]);
        expect(await storedIds()).to.deep.equal(['13', '14', '15', '18']);
      });

      it('answers a unit only once its writes are committed and visible to another connection', async () => {
        await unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('20')));
        const other = new Database(filename, { readonly: true });
        try {
          expect(other.prepare('SELECT CAST(id AS TEXT) AS id FROM campaigns').all()).to.deep.equal([{ id: '20' }]);
        } finally {
          other.close();
        }
      });

      it('keeps queries from outside out of an open batch: they run after its commit', async () => {
        let release!: () => void;
        let entered!: () => void;
        const unitEntered = new Promise<void>((resolve) => (entered = resolve));
        const unit = unitOfWork.run(async (tx) => {
          await tx.campaigns.insert(newCampaign('30'));
          entered();
          await new Promise<void>((resolve) => (release = resolve));
        });
        await unitEntered;
        let released = false;
        let answeredDuringBatch = false;
        const outside = db('campaigns')
          .count({ n: '*' })
          .first()
          .then((row) => {
            answeredDuringBatch = !released;
            return row;
          });
        for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
        released = true;
        release();
        await unit;
        expect(Number((await outside)?.n)).to.equal(1);
        expect(answeredDuringBatch).to.equal(false);
      });

      if (guardUnits) {
        it('fails a unit at once, saying why, when it queries through Knex while its batch holds the connection', async () => {
          const outcomes = await Promise.allSettled([
            unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('40'))),
            unitOfWork.run(async (tx) => {
              await tx.campaigns.insert(newCampaign('41'));
              await db('campaigns').count({ n: '*' });
            }),
            unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('42'))),
          ]);
          expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
          const error = (outcomes[1] as PromiseRejectedResult).reason;
          expect(error).to.be.instanceOf(ConnectionWantedInsideUnit);
          expect(error.message).to.match(/only through the transaction it is given/);
          expect(await storedIds()).to.deep.equal(['40', '42']);
        });

        it('fails a unit at once, saying why, when it starts another unit of work while it runs', async () => {
          const failed = unitOfWork.run(async (tx) => {
            await tx.campaigns.insert(newCampaign('50'));
            await unitOfWork.run((inner) => inner.campaigns.insert(newCampaign('51')));
          });
          await expect(failed).to.be.rejectedWith(ConnectionWantedInsideUnit, /started another unit of work/);
          expect(await storedIds()).to.deep.equal([]);
          await unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('52')));
          expect(await storedIds()).to.deep.equal(['52']);
        });
      }

      it("times each batch's commit once, after its writes are visible to another connection", async () => {
        const commits: Array<{ seconds: number; visible: string[] }> = [];
        const other = new Database(filename, { readonly: true });
        const visibleIds = () =>
          other
            .prepare('SELECT CAST(id AS TEXT) AS id FROM campaigns ORDER BY id')
            .all()
            .map((row) => (row as { id: string }).id);
        const timed = new SqliteGroupCommitUnitOfWork(db, undefined, {
          guardUnits,
          onCommit: (seconds) => commits.push({ seconds, visible: visibleIds() }),
        });
        try {
          await Promise.all(['40', '41', '42'].map((id) => timed.run((tx) => tx.campaigns.insert(newCampaign(id)))));
          await timed.run((tx) => tx.campaigns.insert(newCampaign('43')));
        } finally {
          other.close();
        }
        expect(commits.map((commit) => commit.visible)).to.deep.equal([
          ['40', '41', '42'],
          ['40', '41', '42', '43'],
        ]);
        for (const { seconds } of commits) expect(seconds).to.be.greaterThan(0).and.lessThan(60);
      });

      it('keeps 64-bit ids exact through the prepared statements', async () => {
        await unitOfWork.run((tx) => tx.campaigns.insert(newCampaign('9223372036854775807')));
        const found = await unitOfWork.run((tx) => tx.campaigns.find(CampaignId.parse('9223372036854775807')));
        expect(found?.id.toString()).to.equal('9223372036854775807');
      });
    },
  );
}
