import type { EventPublisher } from '../application/index.js';

interface RetryTimer {
  timer: NodeJS.Timeout;
  /** When the retry is due, on `performance.now()`. */
  dueAt: number;
}

/**
 * The retry timers of the relay's failed lanes: each lane's retry falls due at the end of the delay the policy
 * chose, or, for every lane at once, as soon as the broker shows it takes writes again.
 */
export class LaneRetryTimers {
  private readonly timers = new Map<string, RetryTimer>();
  /** While lanes wait to retry: the watch that makes them all due as soon as the broker takes writes again. */
  private writableWatch: AbortController | undefined;

  constructor(
    private readonly broker: Pick<EventPublisher, 'whenWritable'>,
    /** `brokerWritable`: due because the broker shows it takes writes again, not because the delay ended. */
    private readonly due: (lane: string, brokerWritable: boolean) => void,
  ) {}

  retryAfter(lane: string, delayMs: number): void {
    clearTimeout(this.timers.get(lane)?.timer);
    this.timers.set(lane, {
      timer: setTimeout(() => this.dueNow(lane, false), delayMs),
      dueAt: performance.now() + delayMs,
    });
    this.watchWritable();
  }

  /** Every waiting lane's retry falls due at once. */
  allDueNow(brokerWritable = false): void {
    for (const lane of [...this.timers.keys()]) this.dueNow(lane, brokerWritable);
  }

  cancelAll(): void {
    this.writableWatch?.abort();
    this.writableWatch = undefined;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private dueNow(lane: string, brokerWritable: boolean): void {
    const waiting = this.timers.get(lane);
    if (waiting === undefined) return;
    clearTimeout(waiting.timer);
    this.timers.delete(lane);
    this.due(lane, brokerWritable);
  }

  private watchWritable(): void {
    if (this.writableWatch !== undefined) return;
    const watch = new AbortController();
    this.writableWatch = watch;
    const dueAt = Math.max(...[...this.timers.values()].map((lane) => lane.dueAt));
    void this.broker.whenWritable(Math.max(dueAt - performance.now(), 0), watch.signal).then((writable) => {
      if (this.writableWatch === watch) this.writableWatch = undefined;
      if (!watch.signal.aborted) this.allDueNow(writable);
    });
  }
}
