import { context, ROOT_CONTEXT } from '@opentelemetry/api';

export interface BatchLimits {
  /** The most calls one batch takes; more wait for the next. */
  maxBatch: number;
  /** The most batches running at once; calls made meanwhile gather into the next. */
  maxInFlight: number;
}

interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the calls made in one turn of the event loop into one batch, run once the turn's I/O callbacks are done
 * (`setImmediate`), the way DataLoader does. `execute` answers each input of a batch, in order; when it fails, every
 * call of that batch fails with its error. While `maxInFlight` batches run, calls keep gathering, so a busy store
 * gets fewer, larger batches. Batches run outside any caller's context: they belong to several callers.
 */
export class TurnBatcher<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly execute: (inputs: readonly I[]) => Promise<readonly O[]>,
    private readonly limits: BatchLimits,
  ) {}

  /** Calls waiting for a batch to take them. */
  get queued(): number {
    return this.waiting.length;
  }

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      context.with(ROOT_CONTEXT, () =>
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        }),
      );
    });
  }

  private flush(): void {
    while (this.waiting.length > 0 && this.inFlight < this.limits.maxInFlight) {
      const batch = this.waiting.splice(0, this.limits.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async run(batch: readonly Waiting<I, O>[]): Promise<void> {
    let outputs: readonly O[];
    try {
      outputs = await this.execute(batch.map((waiting) => waiting.input));
      if (outputs.length !== batch.length)
        throw new Error(`a batch of ${batch.length} calls was answered ${outputs.length} times`);
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    for (const [i, waiting] of batch.entries()) waiting.resolve(outputs[i]!);
  }
}
