import type { Clock } from '../ports/clock.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import type { PendingEvent, PendingEvents, SequenceRange } from '../ports/pending-events.js';
import type { RelayLog } from '../ports/relay-log.js';
import { Doorbell } from './doorbell.js';
import type { OutboxSignal } from './outbox-signal.js';
import { retryDelay, type RetryPolicy } from './retry-policy.js';

export interface OutboxRelaySettings {
  batchSize: number;
  /** How often to look for events committed elsewhere (another process); local commits wake the relay at once. */
  pollIntervalMs: number;
  retry: RetryPolicy;
}

interface Outage {
  since: Date;
  failedAttempts: number;
}

/**
 * Publishes committed outbox events in sequence order, batch by batch, and marks a batch published only
 * after the broker acknowledged it. A crash between the two publishes the batch again: delivery is
 * at-least-once and consumers drop repeats by event id.
 */
export class OutboxRelay {
  private commits = new Doorbell();
  private stopRequests = new Doorbell();
  private stopping = false;
  private running: Promise<void> | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly pending: PendingEvents,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    private readonly log: RelayLog,
    private readonly settings: OutboxRelaySettings,
    private readonly signal?: OutboxSignal,
  ) {}

  start(): void {
    if (this.running !== undefined) return;
    this.stopping = false;
    this.commits = new Doorbell();
    this.stopRequests = new Doorbell();
    this.stopListening = this.signal?.listen(() => this.commits.ring());
    this.running = this.keepRelaying();
  }

  /** Lets the batch in flight finish (published and marked), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopListening?.();
    this.commits.ring();
    this.stopRequests.ring();
    await this.running;
    this.running = undefined;
  }

  /**
   * Publishes every waiting event and answers how many. While a batch is in flight the next one is read,
   * leaving the one in flight out; it is sent once the batch before it is marked, so at most one batch is
   * ever published but not yet marked. A failure is thrown after the batches before it are marked.
   */
  async drain(): Promise<number> {
    const { batchSize } = this.settings;
    let published = 0;
    let batch = await this.pending.next(batchSize);
    while (batch.length > 0) {
      const ahead = batch.length === batchSize && !this.stopping ? this.pending.next(batchSize, rangeOf(batch)) : undefined;
      try {
        await this.publisher.publish(batch);
        await this.pending.markPublished(batch.map((event) => event.sequence), this.clock.now());
      } catch (error) {
        await ahead?.catch(() => undefined);
        throw error;
      }
      published += batch.length;
      const next = (await ahead) ?? [];
      batch = this.stopping ? [] : next;
    }
    return published;
  }

  private async keepRelaying(): Promise<void> {
    let outage: Outage | undefined;
    while (!this.stopping) {
      try {
        await this.publisher.connect();
        await this.drain();
        if (outage !== undefined) {
          this.log.outageEnded(outage.failedAttempts, this.clock.now().getTime() - outage.since.getTime());
          outage = undefined;
        }
        await this.commits.wait(this.settings.pollIntervalMs);
      } catch (error) {
        if (outage === undefined) {
          outage = { since: this.clock.now(), failedAttempts: 0 };
          this.log.outageBegan(error);
        }
        outage.failedAttempts++;
        const delayMs = retryDelay(outage.failedAttempts, this.settings.retry);
        this.log.retryScheduled(outage.failedAttempts, delayMs, error);
        await this.stopRequests.wait(delayMs);
      }
    }
  }
}

function rangeOf(batch: readonly PendingEvent[]): SequenceRange {
  return { first: batch[0]!.sequence, last: batch[batch.length - 1]!.sequence };
}
