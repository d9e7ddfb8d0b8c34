import type { Clock } from '../ports/clock.js';
import { PartlyPublished, type EventPublisher } from '../ports/event-publisher.js';
import type { PendingEvent, PendingEvents, SequenceRange } from '../ports/pending-events.js';
import type { RelayLog } from '../ports/relay-log.js';
import { Doorbell } from './doorbell.js';
import type { OutboxSignal } from '../ports/outbox-signal.js';
import type { RelayLeadership } from './relay-leadership.js';
import { retryDelay, type RetryPolicy } from './retry-policy.js';

export interface OutboxRelaySettings {
  batchSize: number;
  /** How often to look for events committed elsewhere (another process); local commits wake the relay at once. */
  pollIntervalMs: number;
  retry: RetryPolicy;
  /** A publish not acknowledged within this long begins an outage (the relay reports it stalled); none when absent. */
  publishStallMs?: number;
  /** A relay that has not published for this long while holding the lease hands it over to another relay. */
  handOverAfterMs?: number;
}

interface Outage {
  since: Date;
  failedAttempts: number;
  /** When this relay last handed the lease over in this outage and took it back, none taking it meanwhile. */
  handedOverAt?: Date;
}

/** A publish still waits for the broker's acknowledgement past the stall threshold (it goes on waiting). */
export class PublishStalled extends Error {
  override readonly name = 'PublishStalled';
  constructor(readonly waitedMs: number) {
    super(`no acknowledgement from the broker after ${waitedMs} ms; still waiting`);
  }
}

/**
 * Publishes committed outbox events in sequence order, batch by batch, and marks a batch published only
 * after the broker acknowledged it. A crash between the two publishes the batch again: delivery is
 * at-least-once and consumers drop repeats by event id.
 *
 * Several relays may share one outbox (one per service instance); only the one that holds the lease publishes.
 * It asks before each batch, and stops after the batch in flight once the answer is no. The others stand by
 * and ask again at every poll interval.
 */
/** Poll intervals a relay that handed the lease over waits before it asks for it again. */
const HAND_OVER_PAUSE_POLLS = 3;

export class OutboxRelay {
  private commits = new Doorbell();
  private stopRequests = new Doorbell();
  private stopping = false;
  private running: Promise<void> | undefined;
  private stopListening: (() => void) | undefined;
  /** The last answer to "may I publish?", so that only a change is reported. */
  private leading: boolean | undefined;
  /** Since when (and how often) this relay has failed to publish; begun by a failure or by a stalled publish. */
  private outage: Outage | undefined;

  constructor(
    private readonly pending: PendingEvents,
    private readonly publisher: EventPublisher,
    private readonly leadership: RelayLeadership,
    private readonly clock: Clock,
    private readonly log: RelayLog,
    private readonly settings: OutboxRelaySettings,
    private readonly signal?: OutboxSignal,
  ) {}

  start(): void {
    if (this.running !== undefined) return;
    this.stopping = false;
    this.leading = undefined;
    this.commits = new Doorbell();
    this.stopRequests = new Doorbell();
    this.stopListening = this.signal?.listen(() => this.commits.ring());
    this.running = this.keepRelaying();
  }

  /** Lets the batch in flight finish (published and marked), then stops and gives the lease up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopListening?.();
    this.commits.ring();
    this.stopRequests.ring();
    await this.running;
    this.running = undefined;
  }

  /**
   * Publishes every waiting event, as long as this relay holds the lease, and answers how many. While a batch
   * is in flight the next one is read, leaving the one in flight out; it is sent once the batch before it is
   * marked, so at most one batch is ever published but not yet marked. A failure is thrown after the batches
   * before it are marked.
   */
  async drain(): Promise<number> {
    const { batchSize } = this.settings;
    let published = 0;
    let batch = await this.pending.next(batchSize);
    while (batch.length > 0) {
      if (!(await this.lead())) break;
      const ahead = batch.length === batchSize && !this.stopping ? this.pending.next(batchSize, rangeOf(batch)) : undefined;
      try {
        await this.publishWatched(batch);
        await this.pending.markPublished(batch.map((event) => event.sequence), this.clock.now());
        this.endOutage();
      } catch (error) {
        await ahead?.catch(() => undefined);
        if (error instanceof PartlyPublished) await this.markAcknowledged(error.acknowledged);
        throw error;
      }
      published += batch.length;
      const next = (await ahead) ?? [];
      batch = this.stopping ? [] : next;
    }
    return published;
  }

  private async keepRelaying(): Promise<void> {
    this.outage = undefined;
    while (!this.stopping) {
      try {
        if (!(await this.lead())) {
          // Standing by, this relay no longer tries to publish: an outage it saw is the new holder's to report.
          this.outage = undefined;
          await this.stopRequests.wait(this.settings.pollIntervalMs);
          continue;
        }
        await this.publisher.connect();
        await this.drain();
        if (!this.leading) continue;
        this.endOutage();
        await this.commits.wait(this.settings.pollIntervalMs);
      } catch (error) {
        const outage = this.beginOutage(error);
        outage.failedAttempts++;
        const delayMs = retryDelay(outage.failedAttempts, this.settings.retry);
        this.log.retryScheduled(outage.failedAttempts, delayMs, error);
        if (this.outageOutlastsLease()) await this.handOver();
        else await this.untilRetry(delayMs);
      }
    }
    // Not given up (the database is out of reach), the lease expires by itself within its time to live.
    await this.leadership.stepDown().catch(() => undefined);
  }

  private beginOutage(error: unknown): Outage {
    if (this.outage === undefined) {
      this.outage = { since: this.clock.now(), failedAttempts: 0 };
      this.log.outageBegan(error);
    }
    return this.outage;
  }

  private async markAcknowledged(events: readonly PendingEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.pending.markPublished(events.map((event) => event.sequence), this.clock.now());
  }

  private endOutage(): void {
    if (this.outage === undefined) return;
    this.log.outageEnded(this.outage.failedAttempts, this.clock.now().getTime() - this.outage.since.getTime());
    this.outage = undefined;
  }

  /** Publishes one batch; one still unacknowledged after the stall threshold begins an outage while it waits on. */
  private async publishWatched(batch: readonly PendingEvent[]): Promise<void> {
    const stallMs = this.settings.publishStallMs;
    const stallWatch = stallMs === undefined ? undefined : setTimeout(() => this.beginOutage(new PublishStalled(stallMs)), stallMs);
    try {
      await this.publisher.publish(batch);
    } finally {
      clearTimeout(stallWatch);
    }
  }

  /** Waits out the backoff, but retries as soon as the broker shows it takes writes again. */
  private async untilRetry(delayMs: number): Promise<void> {
    const abandon = new AbortController();
    try {
      await Promise.race([this.stopRequests.wait(delayMs), this.publisher.whenWritable(delayMs, abandon.signal)]);
    } finally {
      abandon.abort();
    }
  }

  private outageOutlastsLease(): boolean {
    const { handOverAfterMs } = this.settings;
    if (handOverAfterMs === undefined || this.outage === undefined || !this.leading) return false;
    const keptSince = this.outage.handedOverAt ?? this.outage.since;
    return this.clock.now().getTime() - keptSince.getTime() >= handOverAfterMs;
  }

  /**
   * This relay cannot publish, maybe because only it cannot reach the brokers: it gives the lease up and lets
   * the other relays take it for a few poll intervals. When none does, it takes the lease back and goes on trying.
   */
  private async handOver(): Promise<void> {
    const outage = this.outage!;
    this.log.handingOver(this.clock.now().getTime() - outage.since.getTime());
    // The outage goes on: a relay that takes the lease reports its own (this one then stands by), and when this
    // one takes it back, the outage it reports ends at its first acknowledged batch.
    outage.handedOverAt = this.clock.now();
    await this.leadership.stepDown().catch(() => undefined);
    await this.stopRequests.wait(HAND_OVER_PAUSE_POLLS * this.settings.pollIntervalMs);
  }

  /** Asks whether this relay may publish now, and reports when the answer changes: taking over, or standing by. */
  private async lead(): Promise<boolean> {
    const leading = await this.leadership.mayPublish();
    if (leading !== this.leading) {
      this.leading = leading;
      if (leading) this.log.leading();
      else this.log.standingBy();
    }
    return leading;
  }
}

function rangeOf(batch: readonly PendingEvent[]): SequenceRange {
  return { first: batch[0]!.sequence, last: batch[batch.length - 1]!.sequence };
}
