import fc from 'fast-check';
import type { Knex } from 'knex';
import { foldCase } from '../../../src/adapters/persistence/knex/case-folding.js';
import { CoalescedCampaigns } from '../../../src/adapters/persistence/postgres/coalesced-campaigns.js';
import { PostgresUnitOfWork } from '../../../src/adapters/persistence/postgres/postgres-unit-of-work.js';
import { toRow } from '../../../src/adapters/persistence/rows/campaign-rows.js';
import { carrying } from '../../../src/adapters/tracing/carried-trace-context.js';
import { TraceCarryingUnitOfWork } from '../../../src/adapters/tracing/traced-unit-of-work.js';
import {
  CampaignAlreadyExists,
  changeCampaign,
  ONE_CHANGE,
  type Transaction,
  type UnitOfWork,
} from '../../../src/application/index.js';
import { Campaign, CampaignId } from '../../../src/domain/index.js';
import { POSTGRES, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';

const now = new Date();
let lastId = 5000;
let lastEvent = 0;
const nextEventId = (label: string) => `${label}-${++lastEvent}`;

type Command = 'start' | 'pause' | 'resume' | 'terminate';
const act = (command: Command, eventId: string) => (campaign: Campaign) =>
  command === 'start'
    ? campaign.start({ now: new Date(), eventId, by: 't', trigger: 'manual' })
    : campaign[command]({ now: new Date(), eventId, by: 't' });

describe('Units of work told they write once, coalesced per turn on PostgreSQL', () => {
  const database = useMigratedDatabase(POSTGRES);
  let unitOfWork: UnitOfWork;
  let coalesced: CoalescedCampaigns;
  before(() => {
    unitOfWork = new PostgresUnitOfWork(database());
    coalesced = new CoalescedCampaigns(database());
  });

  const scheduled = async () => {
    const campaign = Campaign.create(
      {
        id: CampaignId.parse(String(++lastId)),
        name: 'c',
        createdBy: 't',
        startAt: new Date(now.getTime() + 86_400_000),
      },
      now,
    );
    campaign.pullEvents();
    await database()('campaigns').insert(toRow(campaign.snapshot()));
    return campaign.id;
  };
  const changed = (id: CampaignId, command: Command, eventId = nextEventId(command)) =>
    unitOfWork.run((tx) => changeCampaign(tx, id, act(command, eventId)), ONE_CHANGE);
  const eventsOf = async (ids: CampaignId[]) =>
    (
      await database()('outbox')
        .select('event_id', 'event_type', 'trace_context', database().raw('CAST(aggregate_id AS TEXT) AS campaign'))
        .whereIn(
          'aggregate_id',
          ids.map((id) => id.toString()),
        )
        .orderBy('sequence')
    ).map((row: { event_id: string; event_type: string; trace_context: string | null; campaign: string }) => row);
  const storedVersion = async (id: CampaignId) =>
    Number((await database()('campaigns').where({ id: id.toString() }).first()).version);
  const decided = async (id: CampaignId, decide: (campaign: Campaign) => void) => {
    const campaign = (await coalesced.find(id))!;
    const readVersion = campaign.version;
    decide(campaign);
    return { campaign, readVersion, events: campaign.pullEvents() };
  };

  /** Counts the connections taken from the pool while `work` runs: one per statement of a coalesced unit. */
  const connectionsTaken = async (work: () => Promise<unknown>) => {
    const client = database().client as { acquireConnection: () => Promise<unknown> };
    const acquire = client.acquireConnection;
    let taken = 0;
    client.acquireConnection = () => {
      taken++;
      return acquire.call(client);
    };
    try {
      await work();
    } finally {
      client.acquireConnection = acquire;
    }
    return taken;
  };

  it('reads the campaigns of many starts in one turn with one statement and writes them all with one more, each with its one event', async () => {
    const ids = await Promise.all(Array.from({ length: 100 }, scheduled));
    const taken = await connectionsTaken(() => Promise.all(ids.map((id) => changed(id, 'start'))));
    expect(taken).to.equal(2);
    const events = await eventsOf(ids);
    expect(events.map((event) => event.campaign).sort()).to.deep.equal(ids.map((id) => id.toString()).sort());
    expect(events.every((event) => event.event_type === 'CampaignStarted')).to.equal(true);
    for (const id of ids) expect(await storedVersion(id)).to.equal(2);
  });

  const created = (id: string, name = 'c') =>
    Campaign.create(
      { id: CampaignId.parse(id), name, createdBy: 't', startAt: new Date(now.getTime() + 86_400_000) },
      now,
    );
  const insertedAlone = (campaign: Campaign) => unitOfWork.run((tx) => tx.campaigns.insert(campaign), ONE_CHANGE);
  /** The campaigns counted by the ranges, by the groups of level 1 and of level 2; and the campaigns stored. */
  const countedAndStored = async (): Promise<[number[], number]> => {
    const sum = async (counts: Knex.QueryBuilder) =>
      Number((await counts.sum({ campaigns: 'campaigns' }).first())?.campaigns ?? 0);
    const counted = [
      await sum(database()('campaign_buckets')),
      await sum(database()('campaign_bucket_groups').where({ level: 1 })),
      await sum(database()('campaign_bucket_groups').where({ level: 2 })),
    ];
    const stored = await database()('campaigns').count({ campaigns: '*' }).first();
    return [counted, Number(stored?.campaigns ?? 0)];
  };

  it('inserts the new campaigns of many creates in one turn with one statement, and counts them for the list', async () => {
    const campaigns = Array.from({ length: 100 }, () => created(String(++lastId)));
    const taken = await connectionsTaken(() => Promise.all(campaigns.map(insertedAlone)));
    expect(taken).to.equal(1);
    const stored = await database()('campaigns').whereIn(
      'id',
      campaigns.map((campaign) => campaign.id.toString()),
    );
    expect(stored).to.have.length(100);
    const [counted, all] = await countedAndStored();
    expect(counted).to.deep.equal([all, all, all]);
  });

  it('stores each id of random concurrent creates once, refuses every other create of it as existing, and counts exactly', async function () {
    this.timeout(propertyTimeoutMs(120_000));
    // Small ids a client chose and time-ordered ones the service draws, across several counting ranges, and
    // large ids either side of an edge between two groups of ranges of both levels (a multiple of 2^52).
    const time = BigInt(Date.now()) << 22n;
    const beforeEdge = (((time >> 52n) + 1n) << 52n) - 20n * (1n << 31n);
    const id = fc.oneof(
      fc.integer({ min: 1, max: 40 }).map((n) => 20_000_000 + n),
      fc.integer({ min: 0, max: 40 }).map((n) => time + BigInt(n) * (1n << 31n)),
      fc.integer({ min: 0, max: 40 }).map((n) => beforeEdge + BigInt(n) * (1n << 31n)),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(id, { minLength: 1, maxLength: 30 }), fc.nat(3), async (drawn, storedBefore) => {
        const offset = BigInt(++run) * 1_000_000_000n;
        const ids = drawn.map((n) => (BigInt(n) + offset).toString());
        for (const stored of [...new Set(ids)].slice(0, storedBefore))
          await database()('campaigns').insert(toRow(created(stored, 'before').snapshot()));
        const storedAlready = new Set(
          (await database()('campaigns').select(database().raw('CAST(id AS TEXT) AS id')).whereIn('id', ids)).map(
            (row: { id: string }) => row.id,
          ),
        );
        const campaigns = ids.map((stored, i) => created(stored, `create ${i}`));
        const outcomes = await Promise.allSettled(campaigns.map(insertedAlone));
        for (const outcome of outcomes)
          if (outcome.status === 'rejected') expect(outcome.reason).to.be.instanceOf(CampaignAlreadyExists);
        const winners = new Map<string, string>();
        for (const [i, outcome] of outcomes.entries()) {
          if (outcome.status !== 'fulfilled') continue;
          expect(winners.has(ids[i]!), `a second create of ${ids[i]} succeeded`).to.equal(false);
          winners.set(ids[i]!, `create ${i}`);
        }
        for (const stored of new Set(ids)) {
          const row = await database()('campaigns').where({ id: stored }).first();
          expect(row.name).to.equal(storedAlready.has(stored) ? 'before' : winners.get(stored));
          expect(winners.has(stored)).to.equal(!storedAlready.has(stored));
        }
        const [counted, all] = await countedAndStored();
        expect(counted).to.deep.equal([all, all, all]);
      }),
      propertyParameters(25),
    );
  });

  it('lets exactly one of many concurrent starts of a campaign win: the others are refused, one outbox row', async () => {
    const id = await scheduled();
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => changed(id, 'start')));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).to.have.length(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected'))
      expect(String((outcome as PromiseRejectedResult).reason)).to.match(/start/);
    expect(await eventsOf([id])).to.have.length(1);
    expect(await storedVersion(id)).to.equal(2);
  });

  it('writes one of two changes of the same campaign in one statement, tells the other it lost, and keeps only the winner’s event', async () => {
    const id = await scheduled();
    const [first, second] = await Promise.all([
      decided(id, act('start', 'same-campaign-first')),
      decided(id, act('start', 'same-campaign-second')),
    ]);
    const written = await Promise.all(
      [first, second].map(({ campaign, readVersion, events }) => coalesced.saveChange(campaign, readVersion, events)),
    );
    expect(written.filter(Boolean)).to.have.length(1);
    const winner = written[0] ? 'same-campaign-first' : 'same-campaign-second';
    expect((await eventsOf([id])).map((event) => event.event_id)).to.deep.equal([winner]);
    expect(await storedVersion(id)).to.equal(2);
  });

  it('writes the changes of a statement made from the stored version, and not the one whose campaign moved on', async () => {
    const [stale, fresh] = [await scheduled(), await scheduled()];
    const staleChange = await decided(stale, act('start', 'stale-start'));
    await changed(stale, 'start', 'stale-winner');
    const freshChange = await decided(fresh, act('start', 'fresh-start'));
    const written = await Promise.all(
      [staleChange, freshChange].map(({ campaign, readVersion, events }) =>
        coalesced.saveChange(campaign, readVersion, events),
      ),
    );
    expect(written).to.deep.equal([false, true]);
    expect((await eventsOf([stale, fresh])).map((event) => event.event_id)).to.deep.equal([
      'stale-winner',
      'fresh-start',
    ]);
  });

  it('writes the folded name of a change that renames its campaign, and leaves the stored one of the other changes of its statement', async () => {
    const [renamed, started] = [await scheduled(), await scheduled()];
    const changes = await Promise.all([
      decided(renamed, (campaign) =>
        campaign.modify({ name: 'ÉLAN Vital ΟΔΟΣ' }, { now: new Date(), eventId: nextEventId('rename'), by: 't' }),
      ),
      decided(started, act('start', nextEventId('start'))),
    ]);
    const taken = await connectionsTaken(() =>
      Promise.all(
        changes.map(({ campaign, readVersion, events }) => coalesced.saveChange(campaign, readVersion, events)),
      ),
    );
    expect(taken).to.equal(1);
    const stored = await database()('campaigns')
      .whereIn('id', [renamed.toString(), started.toString()])
      .orderBy('id')
      .select('name', 'name_folded');
    expect(stored).to.deep.equal([
      { name: 'ÉLAN Vital ΟΔΟΣ', name_folded: foldCase('ÉLAN Vital ΟΔΟΣ') },
      { name: 'c', name_folded: 'c' },
    ]);
  });

  it('keeps the events of each change in the order raised, and those of one statement in ascending campaign order', async () => {
    const ids = [await scheduled(), await scheduled(), await scheduled()];
    const changes = await Promise.all(
      [...ids].reverse().map((id) =>
        decided(id, (campaign) => {
          act('start', `${id}-started`)(campaign);
          act('pause', `${id}-paused`)(campaign);
          act('resume', `${id}-resumed`)(campaign);
        }),
      ),
    );
    await Promise.all(
      changes.map(({ campaign, readVersion, events }) => coalesced.saveChange(campaign, readVersion, events)),
    );
    expect((await eventsOf(ids)).map((event) => event.event_id)).to.deep.equal(
      ids.flatMap((id) => [`${id}-started`, `${id}-paused`, `${id}-resumed`]),
    );
  });

  it('keeps on each outbox row the trace context of the unit that wrote it', async () => {
    const carryingUnitOfWork = new TraceCarryingUnitOfWork(unitOfWork);
    const ids = await Promise.all(Array.from({ length: 5 }, scheduled));
    const traceparentOf = (id: CampaignId) => `00-${id.toString().padStart(32, '0')}-00f067aa0ba902b7-01`;
    await Promise.all(
      ids.map((id) =>
        carrying({ traceparent: traceparentOf(id) }, () =>
          carryingUnitOfWork.run((tx) => changeCampaign(tx, id, act('start', nextEventId('traced'))), ONE_CHANGE),
        ),
      ),
    );
    for (const event of await eventsOf(ids))
      expect(JSON.parse(event.trace_context!)).to.deep.equal({
        traceparent: traceparentOf(CampaignId.parse(event.campaign)),
      });
  });

  it('fails only the change PostgreSQL refuses when one change of a statement is refused, and writes the others with their events', async () => {
    const [good, bad] = [await scheduled(), await scheduled()];
    const goodChange = await decided(good, act('start', 'fits'));
    const badChange = await decided(bad, act('start', 'x'.repeat(65)));
    const [goodCall, badCall] = [goodChange, badChange].map(({ campaign, readVersion, events }) =>
      coalesced.saveChange(campaign, readVersion, events),
    );
    await expect(badCall).to.be.rejected;
    expect(await goodCall).to.equal(true);
    expect((await eventsOf([good, bad])).map((event) => event.campaign)).to.deep.equal([good.toString()]);
    expect([await storedVersion(good), await storedVersion(bad)]).to.deep.equal([2, 1]);
  });

  it('fails exactly the changes PostgreSQL refuses, wherever they sit among the changes of one statement', async function () {
    this.timeout(propertyTimeoutMs(120_000));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), async (refusedAt) => {
        const ids = await Promise.all(refusedAt.map(scheduled));
        // An event id longer than the outbox's 64 characters: a value the database itself refuses.
        const changes = await Promise.all(
          ids.map((id, i) => decided(id, act('start', refusedAt[i] ? `${id}-${'x'.repeat(64)}` : `${id}-fits`))),
        );
        const outcomes = await Promise.allSettled(
          changes.map(({ campaign, readVersion, events }) => coalesced.saveChange(campaign, readVersion, events)),
        );
        expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(
          refusedAt.map((refused) => (refused ? 'rejected' : 'fulfilled')),
        );
        const kept = ids.filter((_, i) => !refusedAt[i]).map((id) => id.toString());
        expect((await eventsOf(ids)).map((event) => event.campaign).sort()).to.deep.equal([...kept].sort());
        for (const [i, id] of ids.entries()) expect(await storedVersion(id)).to.equal(refusedAt[i] ? 1 : 2);
      }),
      propertyParameters(25),
    );
  });

  it('removes a deleted campaign with its event in a unit told it writes once', async () => {
    const id = await scheduled();
    await unitOfWork.run(
      (tx: Transaction) =>
        changeCampaign(tx, id, (campaign) => campaign.delete({ now: new Date(), eventId: 'removed', by: 't' })),
      ONE_CHANGE,
    );
    expect(await database()('campaigns').where({ id: id.toString() })).to.deep.equal([]);
    expect((await eventsOf([id])).map((event) => event.event_type)).to.deep.equal(['CampaignDeleted']);
  });

  it('lets random concurrent commands on a few campaigns win once per transition, each win with its one event, in order', async function () {
    this.timeout(propertyTimeoutMs(120_000));
    const commands = fc.array(
      fc.record({ campaign: fc.nat(2), command: fc.constantFrom<Command>('start', 'pause', 'resume', 'terminate') }),
      { minLength: 1, maxLength: 24 },
    );
    await fc.assert(
      fc.asyncProperty(commands, async (generated) => {
        const ids = [await scheduled(), await scheduled(), await scheduled()];
        const tried = generated.map(() => new Set<string>());
        const outcomes = await Promise.allSettled(
          generated.map(({ campaign, command }, i) =>
            unitOfWork.run(
              (tx) =>
                changeCampaign(tx, ids[campaign]!, (c) => {
                  const eventId = nextEventId(command);
                  tried[i]!.add(eventId);
                  act(command, eventId)(c);
                }),
              ONE_CHANGE,
            ),
          ),
        );
        const events = await eventsOf(ids);
        const commandOf = new Map(generated.flatMap((_, i) => [...tried[i]!].map((eventId) => [eventId, i])));
        const wins = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
        expect(events.map((event) => commandOf.get(event.event_id)).sort()).to.deep.equal([...wins].sort());
        for (const [n, id] of ids.entries()) {
          const won = events.filter((event) => event.campaign === id.toString());
          expect(await storedVersion(id)).to.equal(1 + won.length);
          const stored = (await database()('campaigns').where({ id: id.toString() }).first()).status;
          const path = won.map((event) => generated[commandOf.get(event.event_id)!]!);
          expect(path.every((step) => step.campaign === n)).to.equal(true);
          const again = Campaign.create(
            { id, name: 'c', createdBy: 't', startAt: new Date(Date.now() + 86_400_000) },
            now,
          );
          for (const step of path) act(step.command, 'replay')(again);
          expect(again.status).to.equal(stored);
        }
      }),
      propertyParameters(25),
    );
  });
});
