import fc from 'fast-check';
import { CampaignCommandRunner, RunSchedule, StartCampaign } from '../../../../src/application/index.js';
import { CampaignId, type CampaignStatus } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { campaignIn } from '../../../mothers/campaign-mother.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const t0 = new Date('2030-01-01T00:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe('RunSchedule', () => {
  let store: InMemoryUnitOfWork;
  let clock: FixedClock;
  let ids: SequentialIds;
  let schedule: RunSchedule;

  function put(
    id: string,
    startMinutes: number | null,
    endMinutes: number | null,
    status: CampaignStatus = 'scheduled',
  ) {
    const dates = {
      startAt: startMinutes === null ? null : at(startMinutes),
      endAt: endMinutes === null ? null : at(endMinutes),
    };
    store.put(campaignIn(status, { id: CampaignId.parse(id), name: `c${id}`, ...dates }, { createdAt: at(-1) }));
  }
  const statusOf = (id: string) => store.snapshotOf(CampaignId.parse(id))?.status;

  /**
   * A new store with campaigns due at the minutes given, ending at minute 100: those of `leftBehindAt` made so that
   * the schedule cannot change them by `spoil`, those of `startableAt` as stored, in an order mixed by their minutes.
   */
  function dueMix(
    leftBehindAt: readonly number[],
    startableAt: readonly number[],
    spoil: (id: string, minute: number) => void,
  ): { startable: string[]; leftBehind: string[] } {
    store = new InMemoryUnitOfWork();
    schedule = new RunSchedule(store, store, clock, ids);
    clock.set(t0);
    const due = [
      ...leftBehindAt.map((minute) => ({ minute, spoiled: true })),
      ...startableAt.map((minute) => ({ minute, spoiled: false })),
    ];
    const startable: string[] = [];
    const leftBehind: string[] = [];
    for (const [i, { minute, spoiled }] of due.entries()) {
      const id = String(i + 1);
      put(id, minute, 100);
      if (spoiled) spoil(id, minute);
      (spoiled ? leftBehind : startable).push(id);
    }
    return { startable, leftBehind };
  }

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    clock = new FixedClock(t0);
    ids = new SequentialIds();
    schedule = new RunSchedule(store, store, clock, ids);
  });

  it('starts a scheduled campaign when its start time comes, with trigger schedule', async () => {
    put('1', 10, 100);
    clock.set(at(9));
    expect((await schedule.execute()).started).to.deep.equal([]);
    clock.set(at(10));
    expect((await schedule.execute()).started).to.deep.equal(['1']);
    expect(statusOf('1')).to.equal('running');
    expect(store.outbox[0]).to.include({ trigger: 'schedule', startedBy: 'scheduler' });
  });

  it('leaves a due campaign whose stored state is impossible alone, reporting it, and runs the others', async () => {
    put('1', 10, 100);
    put('2', 20, 100);
    store.putSnapshot({
      ...store.snapshotOf(CampaignId.parse('1'))!,
      status: 'running',
      startedAt: null,
      endAt: at(5),
    });
    clock.set(at(30));
    const run = await schedule.execute();
    expect(run.impossible).to.deep.equal(['1']);
    expect(run.started).to.deep.equal(['2']);
    expect(store.snapshotOf(CampaignId.parse('1'))).to.include({ status: 'running', startedAt: null });
  });

  it('runs every other due campaign even when more than a batch of those due first are impossible', async () => {
    for (let n = 1; n <= 101; n++) put(String(n), 10, 100);
    put('102', 20, 100);
    for (let n = 1; n <= 101; n++)
      store.putSnapshot({
        ...store.snapshotOf(CampaignId.parse(String(n)))!,
        status: 'running',
        startedAt: null,
        endAt: at(5),
      });
    clock.set(at(30));
    const run = await schedule.execute();
    expect(run.impossible).to.have.length(101);
    expect(run.started).to.deep.equal(['102']);
    expect(statusOf('102')).to.equal('running');
  });

  it('starts every due campaign it can, however many it must leave alone and wherever they stand in start order (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 250, size: 'max' }),
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 20 }),
        async (impossibleAt, startableAt) => {
          const { startable } = dueMix(impossibleAt, startableAt, (id, m) => {
            const stored = store.snapshotOf(CampaignId.parse(id))!;
            store.putSnapshot({ ...stored, status: 'running', startedAt: null, endAt: at(m) });
          });
          clock.set(at(30));
          const run = await schedule.execute();
          expect([...run.started].sort()).to.deep.equal([...startable].sort());
          for (const id of startable) expect(statusOf(id)).to.equal('running');
        },
      ),
      propertyParameters(40),
    );
  });

  it('leaves behind a due campaign whose write the database refuses, reporting it, and runs every other one, run after run (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 99 }),
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 20 }),
        async (refusedAt, startableAt) => {
          const { startable, leftBehind: refused } = dueMix(refusedAt, startableAt, (id) =>
            store.refusedWrites.add(id),
          );
          clock.set(at(30));
          const first = await schedule.execute();
          expect([...first.started].sort()).to.deep.equal([...startable].sort());
          expect(first.failed.map((failure) => failure.id).sort()).to.deep.equal([...refused].sort());
          expect(String(first.failed[0]!.error)).to.include('failed');
          const second = await schedule.execute();
          expect(second.started).to.deep.equal([]);
          expect(second.failed.map((failure) => failure.id).sort()).to.deep.equal([...refused].sort());
          for (const id of refused) expect(statusOf(id)).to.equal('scheduled');
        },
      ),
      propertyParameters(40),
    );
  });

  it('ends its run when a hundred due campaigns in a row fail: the database fails, not the campaigns', async () => {
    for (let n = 1; n <= 150; n++) {
      put(String(n), 10, 100);
      store.refusedWrites.add(String(n));
    }
    clock.set(at(30));
    await expect(schedule.execute()).to.be.rejectedWith('failed');
    expect(store.transactionsRun).to.equal(100);
  });

  it('completes a running or paused campaign when its end time passes', async () => {
    put('1', 10, 100, 'running');
    put('2', 10, 100, 'paused');
    clock.set(at(100));
    expect((await schedule.execute()).completed).to.have.members(['1', '2']);
    expect(store.outbox.map((e) => e.type)).to.deep.equal(['CampaignCompleted', 'CampaignCompleted']);
  });

  it('catches up after downtime in start-time order, completing without a start what passed entirely', async () => {
    put('3', 30, 200);
    put('1', 10, 20);
    put('2', 20, 200);
    put('4', 500, 600);
    clock.set(at(100));
    const run = await schedule.execute();
    expect(run.completed).to.deep.equal(['1']);
    expect(run.started).to.deep.equal(['2', '3']);
    expect(store.outbox.map((e) => `${e.type} ${e.campaignId}`)).to.deep.equal([
      'CampaignCompleted 1',
      'CampaignStarted 2',
      'CampaignStarted 3',
    ]);
    expect(store.outbox[0]).to.include({ started: false });
    expect(statusOf('4')).to.equal('scheduled');
  });

  it('leaves a scheduled campaign without a start date for a manual start', async () => {
    put('1', null, null);
    clock.set(at(1_000_000));
    expect((await schedule.execute()).started).to.deep.equal([]);
  });

  it('gives one start and one event when a manual start races the schedule', async () => {
    put('1', 10, 100);
    clock.set(at(10));
    const manual = new StartCampaign(new CampaignCommandRunner(store, clock, ids));
    const outcomes = await Promise.allSettled([
      schedule.execute(),
      manual.execute({ campaignId: CampaignId.parse('1'), actor: 'bob' }),
    ]);
    expect(store.outbox.filter((e) => e.type === 'CampaignStarted')).to.have.length(1);
    expect(outcomes[0].status).to.equal('fulfilled');
  });

  it('gives one start per campaign when two instances run their schedules at once', async () => {
    for (const id of ['1', '2', '3']) put(id, 10, 100);
    clock.set(at(10));
    const other = new RunSchedule(store, store, clock, ids);
    const [a, b] = await Promise.all([schedule.execute(), other.execute()]);
    expect([...a.started, ...b.started].sort()).to.deep.equal(['1', '2', '3']);
    expect(store.outbox).to.have.length(3);
  });

  it('stamps each change with the time it makes it, never before a change another writer made to the campaign during the run', async () => {
    for (const id of ['1', '2', '3']) put(id, 10, 100);
    clock.set(at(10));
    store.beforeWork = async (tx) => {
      clock.advance(60_000);
      for (const id of ['1', '2', '3']) {
        const campaign = (await tx.campaigns.find(CampaignId.parse(id)))!;
        if (campaign.status !== 'scheduled') continue;
        const version = campaign.version;
        campaign.modify(
          { description: `at ${clock.now().toISOString()}` },
          { now: clock.now(), eventId: 'e', by: 'carol' },
        );
        await tx.campaigns.saveChange(campaign, version, campaign.pullEvents());
      }
    };
    expect((await schedule.execute()).started).to.deep.equal(['1', '2', '3']);
    for (const id of ['1', '2', '3']) {
      const times = store.outbox.filter((e) => e.campaignId.toString() === id).map((e) => e.occurredAt.getTime());
      expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    }
  });

  it('ends its run between two batches once it is told the run is stopped, leaving the rest due for the next run', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => String(i + 1));
    for (const id of ids) put(id, 10, 100);
    clock.set(at(10));
    let stopped = false;
    store.beforeWork = async () => {
      if (store.outbox.length === 1) stopped = true;
    };
    const run = await schedule.execute({ stopped: () => stopped });
    expect(run.started).to.deep.equal(ids.slice(0, 100));
    expect(
      ids
        .slice(100)
        .map(statusOf)
        .every((status) => status === 'scheduled'),
    ).to.equal(true);
    expect((await schedule.execute()).started).to.deep.equal(ids.slice(100));
  });

  it('changes the campaigns of a batch side by side, each in a unit of its own, and counts them in start-time order', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => String(i + 1));
    for (const [i, id] of ids.entries()) put(id, 10 - i / 10, 100);
    clock.set(at(10));
    let running = 0;
    let most = 0;
    const runUnit = store.run.bind(store);
    store.run = (work, ...options) => {
      most = Math.max(most, ++running);
      return runUnit(work, ...options).finally(() => running--);
    };
    const run = await schedule.execute();
    expect(most).to.equal(ids.length);
    expect(run.started).to.deep.equal([...ids].reverse());
  });
});
