import fc from 'fast-check';
import { RunSchedule } from '../../../src/application/index.js';
import { createLogger } from '../../../src/composition/logger.js';
import { ScheduleLoop } from '../../../src/composition/schedule-loop.js';
import { CampaignId } from '../../../src/domain/index.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../fakes/sequential-ids.js';
import { campaignIn, hoursLater } from '../../mothers/campaign-mother.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { propertyParameters } from '../../support/property-runs.js';

describe('ScheduleLoop', () => {
  it('stops a run in progress after the batch of campaigns in hand: what else was due waits for the next start', async () => {
    const store = new InMemoryUnitOfWork();
    const clock = new FixedClock(hoursLater(0));
    const ids = Array.from({ length: 150 }, (_, n) => String(n + 1));
    for (const id of ids) store.put(campaignIn('scheduled', { id: CampaignId.parse(id) }));
    const loop = new ScheduleLoop(new RunSchedule(store, store, clock, new SequentialIds()), 1, createLogger('silent'));
    await loop.start();

    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let changesBegun = 0;
    store.beforeWork = async () => {
      changesBegun++;
      await held;
    };
    clock.set(hoursLater(25));
    await eventually('the run holds its first change', () => changesBegun === 1);
    const stopped = loop.stop();
    release();
    await stopped;

    expect(store.outbox.map((event) => event.campaignId.toString())).to.deep.equal(ids.slice(0, 100));
    expect(changesBegun).to.equal(100);
  });

  it('counts every campaign a run started or left alone, and names the first 100 of each, so its lines stay small', async () => {
    const store = new InMemoryUnitOfWork();
    const clock = new FixedClock(hoursLater(0));
    for (let n = 1; n <= 250; n++) store.put(campaignIn('scheduled', { id: CampaignId.parse(String(n)) }));
    for (let n = 251; n <= 400; n++) {
      const campaign = campaignIn('scheduled', { id: CampaignId.parse(String(n)) });
      store.putSnapshot({ ...campaign.snapshot(), startedAt: hoursLater(1) });
    }
    clock.set(hoursLater(25));
    const log = new LogLines();
    const loop = new ScheduleLoop(
      new RunSchedule(store, store, clock, new SequentialIds()),
      3_600_000,
      createLogger('info', { destination: log }),
    );
    await loop.start();
    await loop.stop();

    const [ran] = log.withMessage('schedule ran');
    expect(ran).to.include({ started: 250, completed: 0 });
    expect(ran!.startedCampaigns).to.have.length(100);
    const [impossible] = log.withMessage('due campaigns in an impossible state (corrupt data) were left alone');
    expect(impossible).to.include({ impossible: 150 });
    expect(impossible!.impossibleCampaigns).to.have.length(100);
  });
  it('logs a lasting problem when it begins and when it ends, not at every run (generated)', async () => {
    type Outcome = { kind: 'fails' } | { kind: 'runs'; failed: string[]; impossible: string[] };
    const outcome: fc.Arbitrary<Outcome> = fc.oneof(
      fc.constant({ kind: 'fails' as const }),
      fc.record({
        kind: fc.constant('runs' as const),
        failed: fc.subarray(['1', '2']),
        impossible: fc.subarray(['3']),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(outcome, { maxLength: 12 }), async (outcomes) => {
        const script = [...outcomes];
        let runs = 0;
        const schedule = {
          execute: async () => {
            runs++;
            const next = script.shift() ?? { kind: 'runs', failed: [], impossible: [] };
            if (next.kind === 'fails') throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
            const failed = next.failed.map((id) => ({ id, error: new Error('refused') }));
            return { started: [], completed: [], skipped: [], impossible: next.impossible, failed };
          },
        } as unknown as RunSchedule;
        const log = new LogLines();
        const loop = new ScheduleLoop(schedule, 1, createLogger('info', { destination: log }));
        await loop.start();
        await eventually('every scripted run ran, and one more', () => runs > outcomes.length + 1);
        await loop.stop();

        const ran = [...outcomes, { kind: 'runs' as const, failed: [], impossible: [] }];
        const outagesBegun = ran.filter((o, i) => o.kind === 'fails' && ran[i - 1]?.kind !== 'fails').length;
        const outagesEnded = ran.filter((o, i) => o.kind === 'runs' && ran[i - 1]?.kind === 'fails').length;
        let before = '|';
        let newlyLeft = 0;
        for (const o of ran.filter((r) => r.kind === 'runs')) {
          const key = `${o.failed.join(',')}|${o.impossible.join(',')}`;
          if (key !== before) newlyLeft += Number(o.failed.length > 0) + Number(o.impossible.length > 0);
          before = key;
        }
        const text = JSON.stringify(outcomes);
        expect(log.withMessage('schedule run failed; retrying at every interval'), text).to.have.length(outagesBegun);
        expect(log.withMessage('schedule runs again'), text).to.have.length(outagesEnded);
        expect(
          log.lines.filter((line) => line.level === 50),
          text,
        ).to.have.length(newlyLeft);
      }),
      propertyParameters(40),
    );
  });
});
