interface Waiter {
  admit(): void;
}

/**
 * Lets at most `capacity` callers through at once; the others wait in arrival order, each for at most `timeoutMs`,
 * after which it fails with `timedOut()` and leaves its place to the next.
 */
export class CountingGate {
  private inside = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly capacity: number,
    private readonly timeoutMs: number,
    private readonly timedOut: () => Error,
  ) {}

  /** Callers inside now. */
  get running(): number {
    return this.inside;
  }

  /** Callers waiting for a place now. */
  get queued(): number {
    return this.waiting.length;
  }

  async through<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private enter(): Promise<void> {
    if (this.inside < this.capacity && this.waiting.length === 0) {
      this.inside++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(this.timedOut());
      }, this.timeoutMs);
      timer.unref();
      this.waiting.push(waiter);
    });
  }

  /** The place passes to the first waiter, if any: nobody arriving meanwhile can take it first. */
  private leave(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.inside--;
    else next.admit();
  }
}
