import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexCampaignHistory } from '../../../src/adapters/persistence/knex/knex-campaign-history.js';
import { KnexCampaignReader } from '../../../src/adapters/persistence/knex/knex-campaign-reader.js';
import { KnexPendingEvents } from '../../../src/adapters/persistence/knex/knex-pending-events.js';
import { openDatabase } from '../../../src/adapters/persistence/knex/open-database.js';
import { migrateToLatest } from '../../../src/adapters/persistence/migrations/index.js';
import { toRow } from '../../../src/adapters/persistence/rows/campaign-rows.js';
import { Campaign, CampaignId } from '../../../src/domain/index.js';
import { openTestDatabase, POSTGRES, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

const STORED = Array.from({ length: 40 }, (_, n) => BigInt(n * 7 + 3));
/** The events stored for each of the first campaigns: the n-th has n. */
const EVENTS = STORED.slice(0, 6).map((id, n) => ({ id, events: n }));
const eventsOf = (id: bigint) => EVENTS.find((stored) => stored.id === id)?.events ?? 0;
const eventRow = (id: bigint, n: number) => ({
  event_id: `e-${id}-${n}`,
  aggregate_type: 'campaign',
  aggregate_id: id.toString(),
  event_type: 'CampaignPaused',
  payload: JSON.stringify({ campaignId: id.toString(), n }),
  occurred_at: new Date(),
  created_at: new Date(),
});
const newCampaign = (id: bigint) =>
  Campaign.create({ id: CampaignId.fromBigInt(id), name: `c${id}`, createdBy: 'test' }, new Date());

/** The statements this connection's session keeps, by name, with how many times each was planned. */
async function keptStatements(db: Knex): Promise<Map<string, number>> {
  const { rows } = await db.raw(
    'SELECT name, generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE name LIKE ?',
    ['read\\_%'],
  );
  return new Map((rows as Array<{ name: string; runs: string }>).map(({ name, runs }) => [name, Number(runs)]));
}

describe("The reads PostgreSQL plans once: a campaign by id, a page in id order, a campaign's events, the relay's page", () => {
  let database: TestDatabase;
  let db: Knex;
  let reader: KnexCampaignReader;
  let history: KnexCampaignHistory;
  let pending: KnexPendingEvents;
  /** The stored events' sequences, lowest first: every one waits to be published. */
  let sequences: bigint[];
  before(async () => {
    database = await POSTGRES.create();
    const setup = openTestDatabase(database);
    await migrateToLatest(setup);
    await setup('campaigns').insert(STORED.map((id) => toRow(newCampaign(id).snapshot())));
    await setup('outbox').insert(
      EVENTS.flatMap(({ id, events }) => Array.from({ length: events }, (_, n) => eventRow(id, n))),
    );
    sequences = (await setup('outbox').select(setup.raw('CAST(sequence AS TEXT) AS s')).orderBy('sequence')).map(
      (row: { s: string }) => BigInt(row.s),
    );
    await setup.destroy();
    db = openDatabase(
      { kind: 'postgres', connectionString: database.env.DATABASE_URL!, schema: database.env.DATABASE_SCHEMA! },
      undefined,
      { connections: 1 },
    );
    reader = new KnexCampaignReader(db);
    history = new KnexCampaignHistory(db);
    pending = new KnexPendingEvents(db);
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });

  it('parses each text once per connection, so each of those reads runs again on the statement kept', async () => {
    const before = await keptStatements(db);
    for (let call = 0; call < 7; call++) {
      await reader.findById(CampaignId.fromBigInt(STORED[call]!));
      await reader.list({ order: 'id', offset: 3 + call, limit: 5 });
      await history.eventsOf(CampaignId.fromBigInt(STORED[5]!), 1, 2);
      await pending.next(3);
      await pending.next(3, sequences[call]!);
    }
    const after = await keptStatements(db);
    const runs = [...after].map(([name, count]) => count - (before.get(name) ?? 0)).filter((count) => count > 0);
    expect(runs.sort()).to.deep.equal([7, 7, 7, 7, 7, 7, 7]);
  });

  it('answers every mix of reads on one connection as the stored campaigns say, whatever texts came before', async () => {
    const READ = fc.oneof(
      fc.record({ kind: fc.constant('id' as const), id: fc.oneof(fc.constantFrom(...STORED), fc.bigInt(1n, 400n)) }),
      fc.record({
        kind: fc.constantFrom('events' as const, 'event bytes' as const),
        id: fc.constantFrom(...STORED.slice(0, 8)),
        offset: fc.integer({ min: 0, max: 6 }),
        limit: fc.integer({ min: 1, max: 4 }),
      }),
      fc.record({
        kind: fc.constant('waiting' as const),
        after: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
        limit: fc.integer({ min: 1, max: 8 }),
      }),
      fc.record({
        kind: fc.constantFrom('list' as const, 'bytes' as const),
        offset: fc.integer({ min: 0, max: STORED.length + 2 }),
        limit: fc.integer({ min: 1, max: 12 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(READ, { minLength: 1, maxLength: 12 }), async (reads) => {
        for (const read of reads) {
          if (read.kind === 'id') {
            const found = await reader.findById(CampaignId.fromBigInt(read.id));
            expect(found?.id.toString()).to.equal(STORED.includes(read.id) ? read.id.toString() : undefined);
          } else if (read.kind === 'events' || read.kind === 'event bytes') {
            const id = CampaignId.fromBigInt(read.id);
            const newestFirst = Array.from({ length: eventsOf(read.id) }, (_, n) => `e-${read.id}-${n}`).reverse();
            const expected = newestFirst.slice(read.offset, read.offset + read.limit);
            if (read.kind === 'events') {
              const page = await history.eventsOf(id, read.offset, read.limit);
              expect({ total: page.total, ids: page.events.map((event) => event.eventId) }).to.deep.equal({
                total: newestFirst.length,
                ids: expected,
              });
            } else {
              expect((await history.pageBytes(id, read.offset, read.limit)).length).to.equal(expected.length);
            }
          } else if (read.kind === 'waiting') {
            const after = read.after === undefined ? undefined : sequences[read.after % sequences.length]!;
            const page = await pending.next(read.limit, after);
            const expected = sequences.filter((sequence) => after === undefined || sequence > after);
            expect(page.map((event) => event.sequence)).to.deep.equal(expected.slice(0, read.limit));
          } else if (read.kind === 'list') {
            const page = await reader.list({ order: 'id', offset: read.offset, limit: read.limit });
            expect({ total: page.total, ids: page.campaigns.map((c) => c.id.toString()) }).to.deep.equal({
              total: STORED.length,
              ids: STORED.slice(read.offset, read.offset + read.limit).map(String),
            });
          } else {
            const bytes = await reader.pageBytes({ order: 'id', offset: read.offset, limit: read.limit });
            expect(bytes.length).to.equal(STORED.slice(read.offset, read.offset + read.limit).length);
          }
        }
      }),
      propertyParameters(40),
    );
  });
});
