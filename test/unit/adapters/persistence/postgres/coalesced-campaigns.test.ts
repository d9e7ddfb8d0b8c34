import type { Knex } from 'knex';
import { CoalescedCampaigns } from '../../../../../src/adapters/persistence/postgres/coalesced-campaigns.js';
import type { QueryConfig } from '../../../../../src/adapters/persistence/postgres/postgres-transaction.js';
import { OUTBOX_COLUMNS } from '../../../../../src/adapters/persistence/postgres/statement-columns.js';
import { CAMPAIGN_COLUMNS, toRow } from '../../../../../src/adapters/persistence/rows/campaign-rows.js';
import { CampaignAlreadyExists } from '../../../../../src/application/index.js';
import { Campaign, CampaignId } from '../../../../../src/domain/index.js';
import { expect } from '../../../../support/expect.js';

const now = new Date('2026-12-01T10:00:00Z');
const startedCampaign = (id: string) => {
  const campaign = Campaign.create(
    { id: CampaignId.parse(id), name: 'n', createdBy: 't', startAt: new Date(now.getTime() + 86_400_000) },
    now,
  );
  campaign.pullEvents();
  campaign.start({ now, eventId: `start-${id}`, by: 't', trigger: 'manual' });
  return campaign;
};

/** A pool of fake connections: each statement is recorded and answered by `answer`. */
function fakePool(answer: (query: QueryConfig) => Promise<{ rows: unknown[] }>) {
  const statements: QueryConfig[] = [];
  let held = 0;
  const connection = {
    query: (query: QueryConfig) => {
      statements.push(query);
      return answer(query);
    },
  };
  const pool = {
    acquireConnection: async () => {
      held++;
      return connection;
    },
    releaseConnection: async () => {
      held--;
    },
  };
  return { db: { client: pool } as unknown as Knex, statements, pool, held: () => held };
}

const newCampaign = (id: string) =>
  Campaign.create(
    { id: CampaignId.parse(id), name: `n${id}`, createdBy: 't', startAt: new Date(now.getTime() + 86_400_000) },
    now,
  );

/** The row PostgreSQL answers for `campaign`: its columns as written, but the folded name, which is not read. */
const readRow = (campaign: Campaign) => {
  const { name_folded: _, ...read } = toRow(campaign.snapshot());
  return read;
};

const uniqueViolation = () =>
  Object.assign(new Error('duplicate key value violates unique constraint "campaigns_pkey"'), { code: '23505' });
const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

const save = (coalesced: CoalescedCampaigns, campaign: Campaign) =>
  coalesced.saveChange(campaign, 1, campaign.pullEvents());

describe('Campaign reads and changes coalesced into one statement per turn', () => {
  it('sends the changes of one turn in ascending id order and tells each caller whether its own was written', async () => {
    const { db, statements } = fakePool(async () => ({ rows: [{ position: 1 }, { position: 3 }] }));
    const coalesced = new CoalescedCampaigns(db);
    const written = await Promise.all(['30', '4', '200'].map((id) => save(coalesced, startedCampaign(id))));
    expect(statements).to.have.length(1);
    expect(statements[0]!.values[0]).to.deep.equal(['4', '30', '200']);
    // Positions 1 and 3 are campaigns 4 and 200.
    expect(written).to.deep.equal([false, true, true]);
  });

  it('numbers each event with the position of its change, in the order of the changes', async () => {
    const { db, statements } = fakePool(async () => ({ rows: [] }));
    const coalesced = new CoalescedCampaigns(db);
    await Promise.all(['9', '8'].map((id) => save(coalesced, startedCampaign(id))));
    const values = statements[0]!.values;
    // The campaign columns and the expected versions come first, then the events' change numbers and columns.
    const changeOfEvent = values[values.length - OUTBOX_COLUMNS.length - 1];
    const eventIds = values[values.length - OUTBOX_COLUMNS.length];
    expect(changeOfEvent).to.deep.equal([1, 2]);
    expect(eventIds).to.deep.equal(['start-8', 'start-9']);
  });

  it('binds for the start of a campaign it read the columns it bound before names were kept folded, no more', async () => {
    const { db, statements } = fakePool(async (query) =>
      query.name === 'campaigns_findCampaigns' ? { rows: [readRow(newCampaign('5'))] } : { rows: [{ position: 1 }] },
    );
    const coalesced = new CoalescedCampaigns(db);
    const campaign = (await coalesced.find(CampaignId.parse('5')))!;
    campaign.start({ now, eventId: 'start-5', by: 't', trigger: 'manual' });
    expect(await save(coalesced, campaign)).to.equal(true);
    const change = statements[1]!;
    expect(change.name).to.equal('campaigns_changeCampaigns');
    expect(change.text).not.to.contain('name_folded');
    expect(change.values).to.have.length(CAMPAIGN_COLUMNS.length + 1 + 1 + OUTBOX_COLUMNS.length);
  });

  it('writes the folded name of a campaign renamed since it was read, and leaves those of the other changes of its statement as stored', async () => {
    const { db, statements } = fakePool(async (query) =>
      query.name === 'campaigns_findCampaigns'
        ? { rows: [readRow(newCampaign('5')), readRow(newCampaign('6'))] }
        : { rows: [{ position: 1 }, { position: 2 }] },
    );
    const coalesced = new CoalescedCampaigns(db);
    const [renamed, started] = await Promise.all(['5', '6'].map((id) => coalesced.find(CampaignId.parse(id))));
    renamed!.modify({ name: 'ÉLAN Vital ΟΔΟΣ' }, { now, eventId: 'modify-5', by: 't' });
    started!.start({ now, eventId: 'start-6', by: 't', trigger: 'manual' });
    await Promise.all([save(coalesced, renamed!), save(coalesced, started!)]);
    const change = statements[1]!;
    expect(change.name).to.equal('campaigns_renameCampaigns');
    expect(change.text).to.contain('name_folded = COALESCE(changes.name_folded, c.name_folded)');
    expect(change.values).to.deep.include(['élan vital οδοσ', undefined]);
  });

  it('answers every change of a statement PostgreSQL ended as a deadlock as lost: it wrote nothing', async () => {
    const { db, held } = fakePool(() => Promise.reject(Object.assign(new Error('deadlock'), { code: '40P01' })));
    const coalesced = new CoalescedCampaigns(db);
    expect(await Promise.all(['1', '2'].map((id) => save(coalesced, startedCampaign(id))))).to.deep.equal([
      false,
      false,
    ]);
    expect(held()).to.equal(0);
  });

  it('fails every change of a statement that fails alone too with its error, and gives its connection back', async () => {
    const { db, held } = fakePool(() => Promise.reject(new Error('connection terminated')));
    const coalesced = new CoalescedCampaigns(db);
    const calls = ['1', '2'].map((id) => save(coalesced, startedCampaign(id)));
    for (const call of calls) await expect(call).to.be.rejectedWith('connection terminated');
    expect(held()).to.equal(0);
  });

  it('runs the changes of a failing statement one by one, so that a change PostgreSQL refuses fails only its own caller', async () => {
    const { db, statements, held } = fakePool(async (query) => {
      const ids = query.values[0] as string[];
      if (ids.includes('2'))
        throw Object.assign(new Error('value too long for type character varying(64)'), { code: '22001' });
      return { rows: ids.map((_, i) => ({ position: i + 1 })) };
    });
    const coalesced = new CoalescedCampaigns(db);
    const calls = ['1', '2', '3'].map((id) => save(coalesced, startedCampaign(id)));
    expect(await calls[0]).to.equal(true);
    await expect(calls[1]).to.be.rejectedWith('value too long');
    expect(await calls[2]).to.equal(true);
    expect(statements.map((statement) => statement.values[0])).to.deep.equal([['1', '2', '3'], ['1'], ['2'], ['3']]);
    expect(held()).to.equal(0);
  });

  it('fails every call of a batch that gets no connection', async () => {
    const { db, pool } = fakePool(async () => ({ rows: [] }));
    pool.acquireConnection = () => Promise.reject(new Error('pool timed out'));
    const coalesced = new CoalescedCampaigns(db);
    const calls = [coalesced.find(CampaignId.parse('1')), save(coalesced, startedCampaign('2'))];
    for (const call of calls) await expect(call).to.be.rejectedWith('pool timed out');
  });

  it('reads the campaigns of one turn with one statement, each id once, and gives each caller a campaign of its own', async () => {
    const row = { ...startedCampaign('5').snapshot() };
    const { db, statements } = fakePool(async () => ({
      rows: [
        {
          id: '5',
          name: row.name,
          description: null,
          status: row.status,
          start_at: row.startAt,
          end_at: null,
          zone: null,
          started_at: row.startedAt,
          paused_at: null,
          terminated_at: null,
          completed_at: null,
          created_at: row.createdAt,
          created_by: row.createdBy,
          updated_at: row.updatedAt,
          updated_by: row.updatedBy,
          version: row.version,
          content: null,
        },
      ],
    }));
    const coalesced = new CoalescedCampaigns(db);
    const [first, second, missing] = await Promise.all(
      ['5', '5', '6'].map((id) => coalesced.find(CampaignId.parse(id))),
    );
    expect(statements).to.have.length(1);
    expect(statements[0]!.values).to.deep.equal([['5', '6']]);
    expect(first!.status).to.equal('running');
    expect(first).not.to.equal(second);
    expect(second!.snapshot()).to.deep.equal(first!.snapshot());
    expect(missing).to.equal(undefined);
  });

  it('inserts the new campaigns of one turn with one statement, in ascending id order', async () => {
    const { db, statements, held } = fakePool(async () => ({ rows: [] }));
    const coalesced = new CoalescedCampaigns(db);
    await Promise.all(['30', '4', '200'].map((id) => coalesced.insert(newCampaign(id))));
    expect(statements).to.have.length(1);
    expect(statements[0]!.text).to.match(/^INSERT INTO campaigns /);
    expect(statements[0]!.values[0]).to.deep.equal(['4', '30', '200']);
    expect(statements[0]!.values[CAMPAIGN_COLUMNS.indexOf('name')]).to.deep.equal(['n4', 'n30', 'n200']);
    expect(held()).to.equal(0);
  });

  it('inserts one by one after a failed statement, so that only the campaign whose id is taken is refused, as existing', async () => {
    const { db, statements } = fakePool(async (query) => {
      if ((query.values[0] as string[]).includes('2')) throw uniqueViolation();
      return { rows: [] };
    });
    const coalesced = new CoalescedCampaigns(db);
    const calls = ['3', '2', '1'].map((id) => coalesced.insert(newCampaign(id)));
    await calls[0];
    await expect(calls[1]).to.be.rejectedWith(CampaignAlreadyExists);
    await calls[2];
    expect(statements.map((statement) => statement.values[0])).to.deep.equal([['1', '2', '3'], ['3'], ['2'], ['1']]);
  });

  it('refuses an insert PostgreSQL refuses alone with its own error', async () => {
    const { db, held } = fakePool(() => Promise.reject(new Error('connection terminated')));
    const coalesced = new CoalescedCampaigns(db);
    await expect(coalesced.insert(newCampaign('1'))).to.be.rejectedWith('connection terminated');
    expect(held()).to.equal(0);
  });

  it('tries an insert ended as a deadlock again, and gives up after a few deadlocks in a row', async () => {
    let deadlocks = 1;
    const { db, statements } = fakePool(async () => {
      if (deadlocks-- > 0) throw deadlock();
      return { rows: [] };
    });
    const coalesced = new CoalescedCampaigns(db);
    await coalesced.insert(newCampaign('7'));
    expect(statements).to.have.length(2);

    const always = fakePool(() => Promise.reject(deadlock()));
    await expect(new CoalescedCampaigns(always.db).insert(newCampaign('8'))).to.be.rejectedWith('deadlock detected');
    expect(always.statements).to.have.length(3);
  });
});
