import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexCampaignReader } from '../../../src/adapters/persistence/knex/knex-campaign-reader.js';
import { CampaignCommandRunner, RunSchedule, StartCampaign, type UnitOfWork } from '../../../src/application/index.js';
import { type Campaign, CampaignId, type CampaignStatus } from '../../../src/domain/index.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { byDueOrder, InMemoryUnitOfWork } from '../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../fakes/sequential-ids.js';
import { campaignIn } from '../../mothers/campaign-mother.js';
import { DATABASE_KINDS, serviceUnitOfWork, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { blocksTouchedBy } from '../../support/postgres-blocks.js';
import { propertyParameters } from '../../support/property-runs.js';

const t0 = new Date('2030-01-01T00:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const NOW = at(10);

/** Few distinct dates, so that ties between starts and between ends are common; some starts and ends still to come. */
const aCampaignMaybeDue = fc
  .record({
    id: fc.bigInt({ min: 1n, max: 9223372036854775807n }),
    status: fc.constantFrom<CampaignStatus>('scheduled', 'running', 'paused'),
    start: fc.option(fc.constantFrom<number>(1, 2, 3, 15), { nil: null }),
    end: fc.option(fc.constantFrom<number>(4, 5, 6, 20), { nil: null }),
  })
  .map((c) => (c.start !== null && c.end !== null && c.end < c.start ? { ...c, end: 20 } : c));
type Planned = typeof aCampaignMaybeDue extends fc.Arbitrary<infer T> ? T : never;

function planned({ id, status, start, end }: Planned): Campaign {
  const dates = { startAt: start === null ? null : at(start), endAt: end === null ? null : at(end) };
  return campaignIn(status, { id: CampaignId.fromBigInt(id), name: `c${id}`, ...dates }, { createdAt: at(-60) });
}

/** A campaign's row as a bulk load writes it, straight into the table. */
function campaignRow(id: bigint, status: CampaignStatus, startAt: Date) {
  const name = `c${id}`;
  return {
    id: id.toString(),
    name,
    name_folded: name,
    status,
    start_at: startAt,
    end_at: at(24 * 60),
    created_at: at(-60),
    created_by: 'load',
    updated_at: at(-60),
    updated_by: 'load',
    version: 1,
  };
}

/** What a row's content column holds when it is not a campaign's content: not JSON, or JSON but not an object. */
const unreadableContent = fc.oneof(
  fc.string().filter((text) => !isJsonObject(text)),
  fc.constantFrom('{', '[]', '[{"channel":"push"}]', 'null', '5', '"text"', 'true'),
);

function isJsonObject(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

for (const kind of DATABASE_KINDS) {
  describe(`Campaigns due to the schedule (${kind.name})`, function () {
    this.timeout(180_000);
    const database = useMigratedDatabase(kind);
    let unitOfWork: UnitOfWork;
    let reader: KnexCampaignReader;

    before(() => {
      unitOfWork = serviceUnitOfWork(kind, database());
      reader = new KnexCampaignReader(database());
    });
    afterEach(async () => {
      await database()('campaigns').delete();
      await database()('outbox').delete();
    });

    async function store(campaigns: Campaign[]): Promise<void> {
      await database()('campaigns').delete();
      await database()('outbox').delete();
      await Promise.all(campaigns.map((campaign) => unitOfWork.run((tx) => tx.campaigns.insert(campaign))));
    }

    it('are found earliest start first, then earliest end, then lowest id, a campaign without the date after those with one', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(aCampaignMaybeDue, { maxLength: 30, selector: (c) => c.id }),
          fc.integer({ min: 1, max: 31 }),
          async (plans, limit) => {
            const campaigns = plans.map(planned);
            await store(campaigns);
            const expected = campaigns
              .map((campaign) => campaign.snapshot())
              .filter(
                (c) =>
                  (c.status === 'scheduled' && c.startAt !== null && c.startAt <= NOW) ||
                  (c.endAt !== null && c.endAt <= NOW),
              )
              .sort(byDueOrder)
              .map((c) => c.id.toString());
            const found = (await reader.findDue(NOW, limit)).map(String);
            expect(found).to.deep.equal(expected.slice(0, limit));

            const memory = new InMemoryUnitOfWork();
            for (const campaign of campaigns) memory.put(campaign);
            expect((await memory.findDue(NOW, limit)).map(String)).to.deep.equal(found);
          },
        ),
        propertyParameters(40),
      );
    });

    it('are found among thousands of campaigns still to start by reading a range of an index for each way of being due, not every scheduled campaign', async () => {
      const later = Array.from({ length: 20_000 }, (_, n) =>
        campaignRow(BigInt(1000 + n), 'scheduled', at(60 + (n % 500))),
      );
      const due = [1n, 2n, 3n].map((id) => campaignRow(id, 'scheduled', at(Number(id))));
      await database().batchInsert('campaigns', [...due, ...later], 500);
      if (kind.name === 'SQLite') {
        const searches = (await planOfFindDue()).filter((step) => /^SEARCH|^SCAN/.test(step));
        expect(searches, 'each way of being due, one search').to.have.length(3);
        for (const search of searches) expect(search).to.match(/USING (COVERING )?INDEX .*(start_at|end_at)<\?\)$/);
      } else {
        await database().raw('ANALYZE campaigns');
        const { blocks } = await blocksTouchedBy(database(), () => reader.findDue(NOW, 100));
        expect(blocks, 'blocks read for three due campaigns among 20,003').to.be.at.most(40);
      }
      expect((await reader.findDue(NOW, 100)).map(String)).to.deep.equal(['1', '2', '3']);
    });

    /** The steps of SQLite's plan for the statement `findDue` sends. */
    async function planOfFindDue(): Promise<string[]> {
      const sent: Array<{ sql: string; bindings?: readonly unknown[] }> = [];
      const note = (query: { sql: string; bindings?: readonly unknown[] }) => sent.push(query);
      database().on('query', note);
      try {
        await reader.findDue(NOW, 100);
      } finally {
        database().removeListener('query', note);
      }
      const { sql, bindings } = sent[0]!;
      const plan = (await database().raw(`EXPLAIN QUERY PLAN ${sql}`, (bindings ?? []) as Knex.RawBinding[])) as Array<{
        detail: string;
      }>;
      return plan.map((step) => step.detail);
    }

    it('leaves a due campaign whose stored content cannot be read alone, reporting it, and starts every other one', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.bigInt({ min: 1n, max: 1000n }), { minLength: 1, maxLength: 12 }),
          fc.array(fc.option(unreadableContent, { freq: 2 }), { minLength: 12, maxLength: 12 }),
          async (ids, contents) => {
            await store(ids.map((id, n) => planned({ id, status: 'scheduled', start: 1 + (n % 3), end: 20 })));
            const unreadable = ids.filter((_, n) => contents[n] !== null).map(String);
            for (const [n, id] of ids.entries()) {
              if (contents[n] !== null)
                await database()('campaigns').where('id', String(id)).update({ content: contents[n] });
            }

            const run = await new RunSchedule(unitOfWork, reader, new FixedClock(NOW), new SequentialIds()).execute();

            expect([...run.impossible].sort()).to.deep.equal([...unreadable].sort());
            const readable = ids.map(String).filter((id) => !unreadable.includes(id));
            expect([...run.started].sort()).to.deep.equal([...readable].sort());
          },
        ),
        propertyParameters(25),
      );
    });

    it("starts every due campaign after one the database will not write (its version at the column's maximum)", async () => {
      await store([1, 2, 3].map((n) => planned({ id: BigInt(n), status: 'scheduled', start: n, end: 20 })));
      // PostgreSQL's integer column ends here; the next version is out of its range.
      await database()('campaigns').where('id', '1').update({ version: 2_147_483_647 });
      const schedule = new RunSchedule(unitOfWork, reader, new FixedClock(NOW), new SequentialIds());

      const run = await schedule.execute();

      expect(run.started).to.deep.equal(kind.name === 'PostgreSQL' ? ['2', '3'] : ['1', '2', '3']);
      expect(run.failed.map((failure) => failure.id)).to.deep.equal(kind.name === 'PostgreSQL' ? ['1'] : []);
    });

    it("starts each due campaign once, with one CampaignStarted, when two instances' schedulers and manual starts race (generated)", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.bigInt({ min: 1n, max: 1000n }), { minLength: 1, maxLength: 15 }),
          fc.array(fc.boolean(), { minLength: 15, maxLength: 15 }),
          async (ids, startedByHand) => {
            await store(ids.map((id, n) => planned({ id, status: 'scheduled', start: 1 + (n % 3), end: 20 })));
            const clock = new FixedClock(NOW);
            // Each instance has its own unit of work over the one database, as two services have.
            const instance = () => serviceUnitOfWork(kind, database());
            const eventIds = new SequentialIds(); // unique across the instances, as their time-ordered ids are
            const schedules = [instance(), instance()].map((work) => new RunSchedule(work, reader, clock, eventIds));
            const manual = new StartCampaign(new CampaignCommandRunner(instance(), clock, eventIds));
            const byHand = ids.filter((_, n) => startedByHand[n]);
            const [first, second] = await Promise.all([
              ...schedules.map((schedule) => schedule.execute()),
              ...byHand.map((id) =>
                manual.execute({ campaignId: CampaignId.fromBigInt(id), actor: 'bob' }).catch(() => undefined),
              ),
            ]);
            const scheduled = [
              ...(first as { started: string[] }).started,
              ...(second as { started: string[] }).started,
            ];
            expect(new Set(scheduled).size, 'no campaign started by both schedulers').to.equal(scheduled.length);
            const starts = (await database()('outbox')
              .where('event_type', 'CampaignStarted')
              .select(database().raw('CAST(aggregate_id AS TEXT) AS id'))) as Array<{ id: string }>;
            expect(starts.map((row) => row.id).sort()).to.deep.equal(ids.map(String).sort());
          },
        ),
        propertyParameters(15),
      );
    });
  });
}
