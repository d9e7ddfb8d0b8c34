import { type EventPublisher, PartlyPublished, type PendingEvent } from '../../src/application/index.js';

/**
 * A broker in memory: records acknowledged batches, can be taken down, and can hold its acknowledgements.
 * Every event goes through one lane unless `lanes` says otherwise.
 */
export class RecordingPublisher implements EventPublisher {
  readonly acknowledged: PendingEvent[][] = [];
  lanes: (event: PendingEvent) => string = () => 'the only lane';
  attempts = 0;
  /** The most publishes that were ever waiting for their acknowledgement at the same time. */
  mostInFlight = 0;
  /** Acknowledge each batch on a later turn of the event loop, as a broker over the network does. */
  acknowledgeLater = false;
  private inFlight = 0;
  private down: Error | undefined;
  private readonly refusedAttempts = new Set<number>();
  private heldAcks: Array<() => void> | undefined;
  private connectionsHeld: Array<() => void> | undefined;
  private readonly writableWaiters: Array<() => void> = [];
  private readonly partialAttempts = new Map<number, (event: PendingEvent) => boolean>();
  private readonly stuckLanes = new Map<string, Array<() => void>>();
  private readonly refusedLanes = new Set<string>();

  get events(): PendingEvent[] {
    return this.acknowledged.flat();
  }

  get waitingForAck(): number {
    return this.heldAcks?.length ?? 0;
  }

  /** Refuses every connection and publish until `recover()`. */
  goDown(error = new Error('broker unreachable')): void {
    this.down = error;
  }

  recover(): void {
    this.down = undefined;
    for (const wake of this.writableWaiters.splice(0)) wake();
  }

  /** The publish attempt with this number acknowledges only the events this picks, and refuses the rest. */
  acknowledgeOnlyAt(attempt: number, picks: (event: PendingEvent) => boolean): void {
    this.partialAttempts.set(attempt, picks);
  }

  /** Refuses the publish attempt with this number (the first is 1), and only that one. */
  refuseAttempt(attempt: number): void {
    this.refusedAttempts.add(attempt);
  }

  /** Publishes stay unacknowledged until `releaseAcks()`. */
  holdAcks(): void {
    this.heldAcks ??= [];
  }

  /** Publishes to this lane stay unacknowledged until `unstick(lane)`, as a partition without a leader leaves them. */
  stick(lane: string): void {
    if (!this.stuckLanes.has(lane)) this.stuckLanes.set(lane, []);
  }

  unstick(lane: string): void {
    const held = this.stuckLanes.get(lane) ?? [];
    this.stuckLanes.delete(lane);
    for (const acknowledge of held) acknowledge();
  }

  /** Publishes to this lane are refused until `acceptLane(lane)`. */
  refuseLane(lane: string): void {
    this.refusedLanes.add(lane);
  }

  acceptLane(lane: string): void {
    this.refusedLanes.delete(lane);
    for (const wake of this.writableWaiters.splice(0)) wake();
  }

  laneOf(event: PendingEvent): string {
    return this.lanes(event);
  }

  /** How many lanes `lanes` maps events to; undefined (the default): this broker does not tell. */
  lanesInAll: number | undefined;

  laneCount(): number | undefined {
    return this.lanesInAll;
  }

  releaseAcks(): void {
    const held = this.heldAcks ?? [];
    this.heldAcks = undefined;
    for (const acknowledge of held) acknowledge();
  }

  async connect(): Promise<void> {
    if (this.down !== undefined) throw this.down;
    if (this.connectionsHeld !== undefined) await new Promise<void>((resolve) => this.connectionsHeld!.push(resolve));
  }

  /** Connections are taken and never answered until `answerConnections()`, as a black-holed broker leaves them. */
  holdConnections(): void {
    this.connectionsHeld ??= [];
  }

  answerConnections(): void {
    const held = this.connectionsHeld ?? [];
    this.connectionsHeld = undefined;
    for (const answer of held) answer();
  }

  /** Like a broker's metadata: answers true when `recover()` is called, false after `withinMs` or once abandoned. */
  whenWritable(withinMs: number, abandon: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => wake(false), withinMs);
      abandon.addEventListener('abort', () => wake(false), { once: true });
      this.writableWaiters.push(() => wake(true));
      function wake(writable: boolean): void {
        clearTimeout(timer);
        resolve(writable);
      }
    });
  }

  async publish(events: readonly PendingEvent[]): Promise<void> {
    this.attempts++;
    if (this.down !== undefined) throw this.down;
    if (this.refusedAttempts.has(this.attempts)) throw new Error('broker refused the batch');
    const lanes = new Set(events.map((event) => this.laneOf(event)));
    if ([...lanes].some((lane) => this.refusedLanes.has(lane))) throw new Error('no leader for the partition');
    const picks = this.partialAttempts.get(this.attempts);
    if (picks !== undefined) {
      const acknowledged = events.filter(picks);
      this.acknowledged.push(acknowledged);
      throw new PartlyPublished(acknowledged, new Error('a partition refused its events'));
    }
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      if (this.heldAcks !== undefined) {
        const held = this.heldAcks;
        await new Promise<void>((resolve) => held.push(resolve));
      }
      for (const lane of lanes) {
        const stuck = this.stuckLanes.get(lane);
        if (stuck !== undefined) await new Promise<void>((resolve) => stuck.push(resolve));
      }
      if (this.acknowledgeLater) await new Promise((resolve) => setImmediate(resolve));
      this.acknowledged.push([...events]);
    } finally {
      this.inFlight--;
    }
  }
}
