import type { EventPublisher, PendingEvent } from '../../src/application/index.js';

/** What the broker does with one publish attempt. */
export type Outcome =
  /** Writes the batch and acknowledges it on a later turn. */
  | { kind: 'ack'; afterMs: number }
  /** Writes the batch, then the acknowledgement is lost (the connection drops): the sender sees a failure. */
  | { kind: 'written-unacknowledged' }
  /** Refuses the batch without writing it (no leader). */
  | { kind: 'refused' };

/**
 * A partitioned broker in memory with an idempotent producer's guarantee: a batch sent again exactly as it was last
 * written to its lane (the same events) is recognised as a copy and acknowledged without a second write, as a
 * broker recognises a retry by its producer id and sequence numbers. Any other batch is written as it comes, so
 * a batch re-formed after a failure writes the events it shares with the lost one twice.
 */
export class DeduplicatingBroker implements EventPublisher {
  /** Every write, per lane, in the order written. */
  readonly logs = new Map<string, PendingEvent[]>();
  private readonly lastWritten = new Map<string, string>();
  private attempt = 0;

  constructor(
    private readonly outcomes: readonly Outcome[],
    readonly laneOf: (event: PendingEvent) => string,
    /** How many lanes `laneOf` maps events to; undefined: the broker does not tell. */
    private readonly lanesInAll?: number,
  ) {}

  laneCount(): number | undefined {
    return this.lanesInAll;
  }

  /** Every event written, in write order per lane, lanes one after another. */
  get written(): PendingEvent[] {
    return [...this.logs.values()].flat();
  }

  async connect(): Promise<void> {}

  /** Shows nothing of the broker: answers false after `withinMs`, or once abandoned. */
  whenWritable(withinMs: number, abandon: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), withinMs);
      abandon.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }

  async publish(events: readonly PendingEvent[]): Promise<void> {
    const outcome = this.outcomes[this.attempt++] ?? { kind: 'ack', afterMs: 0 };
    await new Promise((resolve) => setImmediate(resolve));
    if (outcome.kind === 'refused') throw new Error('no leader for the partition');
    this.write(events);
    if (outcome.kind === 'written-unacknowledged') throw new Error('connection closed before the acknowledgement');
    await new Promise((resolve) => setTimeout(resolve, outcome.afterMs));
  }

  private write(events: readonly PendingEvent[]): void {
    const lanes = new Set(events.map((event) => this.laneOf(event)));
    for (const lane of lanes) {
      const batch = events.filter((event) => this.laneOf(event) === lane);
      const identity = batch.map((event) => event.eventId).join(' ');
      if (this.lastWritten.get(lane) === identity) continue;
      this.lastWritten.set(lane, identity);
      this.logs.set(lane, [...(this.logs.get(lane) ?? []), ...batch]);
    }
  }
}
