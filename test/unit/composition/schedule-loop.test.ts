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
});
