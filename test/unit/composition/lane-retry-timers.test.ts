import { LaneRetryTimers } from '../../../src/composition/lane-retry-timers.js';
import { RecordingPublisher } from '../../fakes/recording-publisher.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LaneRetryTimers', () => {
  let broker: RecordingPublisher;
  let due: string[];
  /** The lanes made due because the broker shows it takes writes again. */
  let dueOnWritable: string[];
  let timers: LaneRetryTimers;

  beforeEach(() => {
    broker = new RecordingPublisher();
    due = [];
    dueOnWritable = [];
    timers = new LaneRetryTimers(broker, (lane, brokerWritable) => {
      due.push(lane);
      if (brokerWritable) dueOnWritable.push(lane);
    });
  });
  afterEach(() => timers.cancelAll());

  it('makes each lane’s retry due at the end of its own delay, once', async () => {
    timers.retryAfter('b', 3_600_000);
    timers.retryAfter('a', 5);
    await eventually('a is due', () => due.length === 1);
    await pause(20);
    expect(due).to.deep.equal(['a']);
    expect(dueOnWritable).to.deep.equal([]);
  });

  it('makes every waiting lane due at once when the broker shows it takes writes again, saying so', async () => {
    broker.goDown();
    timers.retryAfter('a', 3_600_000);
    timers.retryAfter('b', 3_600_000);
    broker.recover();
    await eventually('both lanes are due', () => due.length === 2);
    expect(due).to.deep.equal(['a', 'b']);
    expect(dueOnWritable).to.deep.equal(['a', 'b']);
  });

  it('makes the lanes due, not as writable, when the watch ends without the broker showing it takes writes', async () => {
    // The watch answers before the lane's delay ends, so only its answer can have made the lane due.
    timers = new LaneRetryTimers({ whenWritable: async () => false }, (lane, brokerWritable) => {
      due.push(lane);
      if (brokerWritable) dueOnWritable.push(lane);
    });
    timers.retryAfter('a', 3_600_000);
    await eventually('a is due', () => due.length === 1);
    expect(dueOnWritable).to.deep.equal([]);
  });

  it('makes every waiting lane due when asked, and none twice', async () => {
    timers.retryAfter('a', 5);
    timers.allDueNow();
    await pause(20);
    expect(due).to.deep.equal(['a']);
  });

  it('calls no lane back once cancelled', async () => {
    timers.retryAfter('a', 5);
    timers.cancelAll();
    broker.recover();
    await pause(20);
    expect(due).to.deep.equal([]);
  });
});
