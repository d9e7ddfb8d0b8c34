import fc from 'fast-check';
import type { Knex } from 'knex';
import { openDatabase } from '../../../src/adapters/persistence/knex/open-database.js';
import { migrateToLatest } from '../../../src/adapters/persistence/migrations/index.js';
import { onPooledConnection } from '../../../src/adapters/persistence/postgres/pooled-connection.js';
import { PostgresUnitOfWork } from '../../../src/adapters/persistence/postgres/postgres-unit-of-work.js';
import { changeCampaign, ONE_CHANGE, type UnitOfWork } from '../../../src/application/index.js';
import { Campaign, CampaignId } from '../../../src/domain/index.js';
import { openTestDatabase, POSTGRES, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';

const NOW = new Date('2031-03-01T10:00:00.000Z');
const VERBS = ['start', 'pause', 'resume', 'terminate', 'delete'] as const;
type Verb = (typeof VERBS)[number];

/** A unit of work as a client's request makes one: a new campaign, or a verb on one, alone or in a transaction. */
type Step = { kind: 'create' } | { kind: 'verb'; verb: Verb; campaign: number; inTransaction: boolean };

const STEP: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'create' as const }),
  fc.record({
    kind: fc.constant('verb' as const),
    verb: fc.constantFrom(...VERBS),
    campaign: fc.nat(),
    inTransaction: fc.boolean(),
  }),
);

/** A PostgreSQL schema of its own, migrated, opened as the service opens it (with the pool for planned statements) or without that pool. */
async function openedAsTheService(
  plannedStatements: boolean,
): Promise<{ database: TestDatabase; db: Knex; units: UnitOfWork }> {
  const database = await POSTGRES.create();
  const setup = openTestDatabase(database);
  await migrateToLatest(setup);
  await setup.destroy();
  const db = openDatabase(
    { kind: 'postgres', connectionString: database.env.DATABASE_URL!, schema: database.env.DATABASE_SCHEMA! },
    undefined,
    { connections: 2, plannedStatements },
  );
  return { database, db, units: new PostgresUnitOfWork(db) };
}

/** The statements every session of the pool keeps, with how many times each was planned for its values and for any. */
async function plansKept(
  db: Knex,
  sessions: number,
): Promise<Array<{ name: string; custom: number; generic: number }>> {
  const plans: Array<{ name: string; custom: number; generic: number }> = [];
  let held = 0;
  let release!: () => void;
  const allHeld = new Promise<void>((resolve) => {
    release = resolve;
  });
  await Promise.all(
    Array.from({ length: sessions }, () =>
      onPooledConnection(db, async (connection) => {
        const { rows } = await connection.query<{ name: string; custom: string; generic: string }>(
          'SELECT name, custom_plans AS custom, generic_plans AS generic FROM pg_prepared_statements',
        );
        plans.push(
          ...rows.map((row) => ({ name: row.name, custom: Number(row.custom), generic: Number(row.generic) })),
        );
        // Each call holds its connection until all have one, so every session of the pool answers once.
        if (++held === sessions) release();
        await allHeld;
      }),
    ),
  );
  return plans;
}

describe('The statements prepared once on PostgreSQL, on the pool kept for them', () => {
  const opened: Array<{ database: TestDatabase; db: Knex }> = [];
  const open = async (plannedStatements: boolean) => {
    const it = await openedAsTheService(plannedStatements);
    opened.push(it);
    return it;
  };
  after(async () => {
    for (const { database, db } of opened) {
      await db.destroy();
      await database.drop();
    }
  });

  let lastId = 0;
  /**
   * Runs the steps, each batch's units side by side (so their statements are coalesced), on the ids given. A batch
   * changes each campaign once at most (a verb on one already taken is skipped), so that no race decides an outcome.
   */
  const runSteps = async (units: UnitOfWork, batches: Step[][], firstId: number) => {
    const ids: CampaignId[] = [];
    const outcomes: string[] = [];
    let event = 0;
    for (const batch of batches) {
      const known = [...ids];
      const taken = new Set<number>();
      outcomes.push(
        ...(await Promise.all(
          batch.map(async (step) => {
            if (step.kind === 'create' || known.length === 0) {
              const id = CampaignId.parse(String(firstId + ids.length));
              ids.push(id);
              const campaign = Campaign.create(
                { id, name: `c${id}`, createdBy: 't', startAt: new Date(NOW.getTime() + 86_400_000) },
                NOW,
              );
              await units.run((tx) => tx.campaigns.insert(campaign), ONE_CHANGE);
              return `created ${id}`;
            }
            const position = step.campaign % known.length;
            if (taken.has(position)) return 'skipped';
            taken.add(position);
            const id = known[position]!;
            const eventId = `event-${++event}`;
            const decide = (campaign: Campaign) => {
              const act = { now: NOW, eventId, by: 't' };
              if (step.verb === 'start') campaign.start({ ...act, trigger: 'manual' });
              else campaign[step.verb](act);
            };
            try {
              const campaign = await units.run(
                (tx) => changeCampaign(tx, id, decide),
                step.inTransaction ? undefined : ONE_CHANGE,
              );
              return `${step.verb} ${id}: version ${campaign.version}`;
            } catch (error) {
              return `${step.verb} ${id}: ${(error as Error).name}`;
            }
          }),
        )),
      );
    }
    return outcomes;
  };
  const stored = async (db: Knex) => ({
    campaigns: await db('campaigns').select(db.raw('CAST(id AS TEXT) AS id'), 'status', 'version').orderBy('id'),
    events:
      // Each campaign's events in their order: units of different campaigns side by side commit in either order.
      (
        await db('outbox')
          .select('event_id', 'event_type', db.raw('CAST(aggregate_id AS TEXT) AS campaign'))
          .orderBy(['aggregate_id', 'sequence'])
      ).map((row: { event_id: string; event_type: string; campaign: string }) => row),
  });

  it('plans each of them once for any values, where each run planned it again for the values bound', async () => {
    const { db, units } = await open(true);
    const batches: Step[][] = Array.from({ length: 8 }, (_, n) => [
      { kind: 'create' },
      ...(n === 0
        ? []
        : [{ kind: 'verb' as const, verb: 'start' as const, campaign: n - 1, inTransaction: n % 2 === 0 }]),
    ]);
    await runSteps(units, batches, 1000);
    const plans = await plansKept(db, 2);
    const ran = (name: string) => plans.filter((plan) => plan.name === name);
    expect(ran('campaigns_insertCampaigns').length).to.be.greaterThan(0);
    expect(ran('campaigns_changeCampaigns').length).to.be.greaterThan(0);
    expect(plans.filter((plan) => plan.custom > 0)).to.deep.equal([]);
    expect((await db.raw('SHOW plan_cache_mode')).rows[0].plan_cache_mode).to.equal('auto');
  });

  it('stores what the same units store where every run is planned for its values, whatever the units and their batches', async function () {
    this.timeout(propertyTimeoutMs(120_000));
    const planned = await open(true);
    const perRun = await open(false);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(STEP, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        async (batches) => {
          lastId += 100;
          const firstId = lastId;
          for (const { db } of [planned, perRun]) {
            await db('outbox').delete();
            await db('campaigns').delete();
          }
          const outcomes = await runSteps(planned.units, batches, firstId);
          expect(await runSteps(perRun.units, batches, firstId)).to.deep.equal(outcomes);
          expect(await stored(planned.db)).to.deep.equal(await stored(perRun.db));
          expect((await plansKept(planned.db, 2)).filter((plan) => plan.custom > 0)).to.deep.equal([]);
        },
      ),
      propertyParameters(25),
    );
  });
});
