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

describe('ScheduleLoop', () => {
  it('stops a run in progress after the campaign in hand: what else was due waits for the next start', async () => {
    const store = new InMemoryUnitOfWork();
    const clock = new FixedClock(hoursLater(0));
    for (const id of ['1', '2', '3']) store.put(campaignIn('scheduled', { id: CampaignId.parse(id) }));
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

    expect(store.outbox.map((event) => event.campaignId.toString())).to.deep.equal(['1']);
    expect(changesBegun).to.equal(1);
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
});
