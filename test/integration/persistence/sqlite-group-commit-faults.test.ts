import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { openDatabase } from '../../../src/adapters/persistence/knex/open-database.js';
import { migrateToLatest } from '../../../src/adapters/persistence/migrations/index.js';
import { SqliteGroupCommitUnitOfWork } from '../../../src/adapters/persistence/sqlite/sqlite-group-commit-unit-of-work.js';
import { Campaign, CampaignId } from '../../../src/domain/index.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';

/** The statements of a batch and of its units' savepoints, and the connection's acquiring: each may fail once. */
const FAULT_POINTS = [
  'acquire',
  'BEGIN IMMEDIATE',
  'SAVEPOINT unit',
  'RELEASE unit',
  'ROLLBACK TO unit',
  'COMMIT',
  'ROLLBACK',
] as const;
type FaultPoint = (typeof FAULT_POINTS)[number];

const ioError = (point: string) => Object.assign(new Error(`disk I/O error at ${point}`), { code: 'SQLITE_IOERR' });

/**
 * Makes each of `armed` fail the first time the group commit reaches it, before it does anything: the statement is
 * not run, the connection not handed out.
 */
function failOnce(db: Knex, armed: Set<FaultPoint>): () => void {
  const client = db.client as {
    acquireConnection(): Promise<Database>;
    releaseConnection(connection: unknown): Promise<void>;
  };
  const acquire = client.acquireConnection.bind(client);
  const release = client.releaseConnection.bind(client);
  const real = new WeakMap<object, Database>();
  const fails = (point: FaultPoint) => armed.delete(point);
  client.acquireConnection = async () => {
    if (fails('acquire')) throw ioError('acquire');
    const connection = await acquire();
    const faulty = new Proxy(connection, {
      get(target, key) {
        if (key !== 'prepare') {
          const value = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return (sql: string) => {
          const statement = target.prepare(sql);
          if (!(FAULT_POINTS as readonly string[]).includes(sql)) return statement;
          return new Proxy(statement, {
            get(inner, name) {
              if (name !== 'run') return Reflect.get(inner, name, inner);
              return (...args: unknown[]) => {
                if (fails(sql as FaultPoint)) throw ioError(sql);
                return (inner.run as (...a: unknown[]) => unknown)(...args);
              };
            },
          }) as Statement;
        };
      },
    });
    real.set(faulty, connection);
    return faulty;
  };
  client.releaseConnection = (connection) => release(real.get(connection as object) ?? connection);
  return () => {
    client.acquireConnection = acquire;
    client.releaseConnection = release;
  };
}

const newCampaign = (id: string) =>
  Campaign.create({ id: CampaignId.parse(id), name: `c${id}`, createdBy: 'test' }, new Date());

const settledWithin = <T>(work: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms)),
  ]);

describe('Group commit on SQLite when its statements fail', () => {
  let dir: string;
  let db: Knex;
  let lastId = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-faults-'));
    db = openDatabase({ kind: 'sqlite', filename: join(dir, 'c.sqlite') });
    await migrateToLatest(db);
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (id: string) => (await db('campaigns').where({ id }).first()) !== undefined;

  it('answers every unit, acknowledges only what it committed, and takes units again once the failures pass', async function () {
    this.timeout(propertyTimeoutMs(60_000));
    const units = fc.array(fc.record({ failsItself: fc.boolean() }), { minLength: 1, maxLength: 6 });
    const faults = fc.subarray([...FAULT_POINTS], { minLength: 1 });
    await fc.assert(
      fc.asyncProperty(units, faults, async (drawn, points) => {
        const unitOfWork = new SqliteGroupCommitUnitOfWork(db, undefined, { guardUnits: false });
        const armed = new Set(points);
        const restore = failOnce(db, armed);
        try {
          const ids = drawn.map(() => String(++lastId));
          const outcomes = await settledWithin(
            Promise.allSettled(
              drawn.map(({ failsItself }, i) =>
                unitOfWork.run(async (tx) => {
                  await tx.campaigns.insert(newCampaign(ids[i]!));
                  if (failsItself) throw new Error('the unit changed its mind');
                  return ids[i];
                }),
              ),
            ),
            5_000,
          );
          for (const [i, outcome] of outcomes.entries()) {
            if (drawn[i]!.failsItself) expect(outcome.status, `unit ${i} failed itself`).to.equal('rejected');
            // Each failure here comes before its statement runs: a unit refused wrote nothing that stays.
            expect(await stored(ids[i]!), `unit ${i} ${outcome.status}`).to.equal(outcome.status === 'fulfilled');
          }
        } finally {
          restore();
        }
        const after = String(++lastId);
        await settledWithin(
          unitOfWork.run((tx) => tx.campaigns.insert(newCampaign(after))),
          5_000,
        );
        expect(await stored(after), 'a unit after the failures').to.equal(true);
      }),
      propertyParameters(60),
    );
  });
});
