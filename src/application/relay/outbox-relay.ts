import type { Clock } from '../ports/clock.js';
import { type EventPublisher, PartlyPublished } from '../ports/event-publisher.js';
import type { OutboxSignal } from '../ports/outbox-signal.js';
import type { PendingEvent, PendingEvents } from '../ports/pending-events.js';
import type { RelayLog } from '../ports/relay-log.js';
import { Doorbell } from './doorbell.js';
import { OutboxReading } from './outbox-reading.js';
import type { RelayLeadership } from './relay-leadership.js';
import { type RetryPolicy, retryDelay } from './retry-policy.js';

export interface OutboxRelaySettings {
  /** The most events one lane publishes at once, and the most events read from the outbox at once. */
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

/** What became of a lane's batch, or that a lane waiting to retry may publish again. */
type LaneNews =
  | {
      lane: string;
      published: number;
      failure?: unknown;
      /** The events of a failed batch that are not marked published: the lane's retry sends them again as they are. */
      unsettled?: readonly PendingEvent[];
      leftBehind?: true;
      from: bigint;
    }
  | { lane: string; retryDue: true };

interface WaitingLane {
  timer: ReturnType<typeof setTimeout>;
  /** When its retry is due, on `performance.now()`. */
  dueAt: number;
}

interface Round {
  published: number;
  failures: unknown[];
}

/** Poll intervals a relay that handed the lease over waits before it asks for it again. */
const HAND_OVER_PAUSE_POLLS = 3;

/**
 * Publishes committed outbox events lane by lane, and marks a batch published only after the broker acknowledged
 * it. A lane is what the publisher says an event goes through (for Kafka: the partition its campaign's key maps
 * to); each lane has at most one batch in flight and publishes its events in outbox order, and lanes progress
 * independently: one that is stuck or refused holds only its own events. A batch that failed may have been
 * written all the same (its acknowledgement lost), so the lane's retry sends exactly its unmarked events again,
 * no more and no fewer, before any other: an idempotent producer recognises such a copy and does not write it
 * twice, where a batch formed anew would overlap it. A crash between publish and mark publishes those batches
 * again, at most one per lane: delivery is at-least-once and consumers drop repeats by event id.
 *
 * Several relays may share one outbox (one per service instance); only the one that holds the lease publishes.
 * It asks before each page of the outbox it reads, and once the answer is no it lets the batches in flight
 * finish and starts none. The others stand by and ask again at every poll interval.
 */
export class OutboxRelay {
  /** Rung by a local commit, by a lane's batch that settled, by a lane whose retry is due, and by stop(). */
  private wake = new Doorbell();
  private stopRequests = new Doorbell();
  private stopping = false;
  private running: Promise<void> | undefined;
  private stopListening: (() => void) | undefined;
  /** The last answer to "may I publish?", so that only a change is reported. */
  private leading: boolean | undefined;
  /** Since when (and how often) this relay has failed to publish; begun by a failure or by a stalled publish. */
  private outage: Outage | undefined;
  private lastAcknowledgedAt: Date | undefined;
  private readonly reading = new OutboxReading();
  /** Lanes with a batch in flight: from its start until the reading took its outcome. */
  private readonly inFlight = new Set<string>();
  /** Lanes whose batch waits for its acknowledgement past the stall threshold. */
  private readonly stalled = new Set<string>();
  /** Lanes whose last batch failed, until their retry is due. */
  private readonly waiting = new Map<string, WaitingLane>();
  /** Per lane, the events of its failed batch that are not marked published: its next batch, unchanged. */
  private readonly unsettled = new Map<string, readonly PendingEvent[]>();
  /** Failed attempts in a row, per lane; the delay of its next retry grows with them. */
  private readonly laneFailures = new Map<string, number>();
  private readonly news: LaneNews[] = [];
  /** While lanes wait to retry: the watch that retries them all as soon as the broker shows it takes writes. */
  private writableWatch: AbortController | undefined;
  /** When the reading last started from the oldest, and how long it then took to reach the newest event. */
  private readingStartedAt = 0;
  private readingToNewest: { pages: number; ms: number } | undefined;
  private pagesSinceStart = 0;

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
    this.wake = new Doorbell();
    this.stopRequests = new Doorbell();
    this.stopListening = this.signal?.listen(() => this.wake.ring());
    this.running = this.keepRelaying();
  }

  /** Lets the batches in flight finish (published and marked), then stops and gives the lease up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopListening?.();
    this.wake.ring();
    this.stopRequests.ring();
    await this.running;
    this.running = undefined;
  }

  /**
   * Publishes every waiting event, as long as this relay holds the lease, and answers how many; a lane waiting to
   * retry tries again at once. A lane whose batch fails takes no more events; the others go on, and the first
   * failure is thrown once they are done (the batches acknowledged meanwhile are marked).
   */
  async drain(): Promise<number> {
    for (const lane of [...this.waiting.keys()]) this.retryDue(lane);
    const { published, failures } = await this.round();
    if (failures.length > 0) throw failures[0];
    return published;
  }

  /**
   * Reads the outbox from its oldest unpublished event and starts a batch on every free lane, then reads on each
   * time a batch settles or events are committed, until no batch is in flight. Each lane's batch is its oldest
   * events, read in one page; a lane with a batch in flight or waiting to retry is held (see OutboxReading).
   */
  private async round(): Promise<Round> {
    await this.publisher.connect();
    const round: Round = { published: 0, failures: [] };
    let readFailure: { error: unknown } | undefined;
    this.restartReading();
    for (;;) {
      this.takeNews(round);
      if (readFailure === undefined && !this.stopping) {
        try {
          if (await this.lead()) await this.readAndStart();
        } catch (error) {
          readFailure = { error };
        }
      }
      if (this.inFlight.size === 0 && this.news.length === 0) break;
      await this.wake.wait(this.settings.pollIntervalMs);
      if (this.restartDue()) this.restartReading();
    }
    if (readFailure !== undefined) throw readFailure.error;
    return round;
  }

  /**
   * Reads pages until the newest event. A lane's batch is its oldest events, gathered over the pages, and starts as
   * soon as it holds `batchSize` of them, or once the reading reached the newest.
   */
  private async readAndStart(): Promise<void> {
    const { batchSize } = this.settings;
    this.retryUnsettled();
    const forming = new Map<string, { events: PendingEvent[]; readPast: boolean }>();
    for (;;) {
      const readPast = this.reading.position !== undefined;
      const page = await this.pending.next(batchSize, this.reading.position);
      this.pagesSinceStart++;
      if (page.length < batchSize && this.readingToNewest === undefined) {
        this.readingToNewest = { pages: this.pagesSinceStart, ms: performance.now() - this.readingStartedAt };
      }
      for (const event of page) {
        const lane = this.publisher.laneOf(event);
        if (this.reading.holds(lane)) continue;
        if (this.busy(lane)) {
          this.reading.hold(lane, event.sequence);
          continue;
        }
        const batch = forming.get(lane) ?? { events: [], readPast };
        batch.events.push(event);
        batch.readPast ||= readPast;
        forming.set(lane, batch);
        if (batch.events.length < batchSize) continue;
        forming.delete(lane);
        this.startBatch(lane, batch.events, batch.readPast);
      }
      if (page.length > 0) this.reading.readTo(page[page.length - 1]!.sequence, (lane) => this.busy(lane));
      if (page.length < batchSize) break;
      // The batches not yet started are read again by the next round.
      if (this.stopping || !(await this.lead())) return;
    }
    for (const [lane, batch] of forming) this.startBatch(lane, batch.events, batch.readPast);
  }

  /** Sends again, as they were, the failed batches of the lanes whose retry is due. */
  private retryUnsettled(): void {
    for (const [lane, batch] of this.unsettled) {
      if (this.inFlight.has(lane) || this.waiting.has(lane)) continue;
      this.unsettled.delete(lane);
      // Checked before its first send already; a second check could only divide what the broker may hold.
      this.startBatch(lane, batch, false);
    }
  }

  /** The lane takes no events from the reading: a batch of its own is in flight, waits to retry, or is due. */
  private busy(lane: string): boolean {
    return this.inFlight.has(lane) || this.waiting.has(lane) || this.unsettled.has(lane);
  }

  private restartReading(): void {
    this.reading.restart();
    this.readingStartedAt = performance.now();
    this.readingToNewest = undefined;
    this.pagesSinceStart = 0;
  }

  /**
   * Reading from the oldest again takes a row committed below the reading after it went past (PostgreSQL hands
   * sequences out before commit). It does at every wake while the unpublished rows fit in one page; with more
   * (a held lane's backlog), once per poll interval, and no oftener than its cost allows (a tenth of the time).
   */
  private restartDue(): boolean {
    if (this.readingToNewest === undefined) return false;
    if (this.readingToNewest.pages <= 1) return true;
    const interval = Math.max(this.settings.pollIntervalMs, 10 * this.readingToNewest.ms);
    return performance.now() - this.readingStartedAt >= interval;
  }

  /** Takes what happened on the lanes since the last page: counts it, and lets the lanes free take events again. */
  private takeNews(round: Round): void {
    for (const news of this.news.splice(0)) {
      if ('retryDue' in news) {
        this.waiting.delete(news.lane);
      } else {
        this.inFlight.delete(news.lane);
        round.published += news.published;
        if (news.failure !== undefined) {
          round.failures.push(news.failure);
          this.reading.hold(news.lane, news.from);
          if (news.unsettled !== undefined && news.unsettled.length > 0) this.unsettled.set(news.lane, news.unsettled);
        }
        // A row committed late below the reading: read again from the oldest, so that it goes first.
        if (news.leftBehind) this.restartReading();
      }
      if (!this.busy(news.lane)) this.reading.release(news.lane);
    }
  }

  /** `readPast`: the batch was read after a sequence, so a row committed late below it may be missing from it. */
  private startBatch(lane: string, batch: readonly PendingEvent[], readPast: boolean): void {
    this.inFlight.add(lane);
    void this.publishBatch(lane, batch, readPast).then((news) => {
      this.news.push(news);
      this.wake.ring();
    });
  }

  /** Publishes and marks one lane's batch; never rejects: a failure is the lane's news. */
  private async publishBatch(lane: string, batch: readonly PendingEvent[], readPast: boolean): Promise<LaneNews> {
    const from = batch[0]!.sequence;
    try {
      if (readPast && (await this.pending.leftBehind(batch))) return { lane, published: 0, leftBehind: true, from };
      await this.publishWatched(lane, batch);
      await this.pending.markPublished(
        batch.map((event) => event.sequence),
        this.clock.now(),
      );
      this.acknowledged(lane);
      return { lane, published: batch.length, from };
    } catch (error) {
      let published = 0;
      let failure = error;
      // Whatever is not marked goes again as it was (an acknowledged batch whose mark failed, too).
      let unsettled = batch;
      if (error instanceof PartlyPublished && error.acknowledged.length > 0) {
        const acknowledged = new Set(error.acknowledged.map((event) => event.sequence));
        try {
          await this.pending.markPublished([...acknowledged], this.clock.now());
          published = acknowledged.size;
          unsettled = batch.filter((event) => !acknowledged.has(event.sequence));
        } catch (markError) {
          failure = markError;
        }
      }
      this.laneFailed(lane, failure);
      return { lane, published, failure, unsettled, from };
    }
  }

  /** Publishes one batch; one still unacknowledged after the stall threshold begins an outage while it waits on. */
  private async publishWatched(lane: string, batch: readonly PendingEvent[]): Promise<void> {
    const stallMs = this.settings.publishStallMs;
    const stallWatch =
      stallMs === undefined
        ? undefined
        : setTimeout(() => {
            this.stalled.add(lane);
            this.beginOutage(new PublishStalled(stallMs));
          }, stallMs);
    try {
      await this.publisher.publish(batch);
    } finally {
      clearTimeout(stallWatch);
      this.stalled.delete(lane);
    }
  }

  private acknowledged(lane: string): void {
    this.laneFailures.delete(lane);
    this.lastAcknowledgedAt = this.clock.now();
    if (this.allLanesWell()) this.endOutage();
  }

  /** No lane is stuck past the stall threshold, and none failed since its last acknowledgement (retrying or not). */
  private allLanesWell(): boolean {
    return this.laneFailures.size === 0 && this.stalled.size === 0;
  }

  /** The lane takes no events until its retry is due (or the broker shows it takes writes again). */
  private laneFailed(lane: string, error: unknown): void {
    const outage = this.beginOutage(error);
    outage.failedAttempts++;
    const failures = (this.laneFailures.get(lane) ?? 0) + 1;
    this.laneFailures.set(lane, failures);
    const delayMs = retryDelay(failures, this.settings.retry);
    this.log.retryScheduled(outage.failedAttempts, delayMs, error);
    this.waiting.set(lane, {
      timer: setTimeout(() => this.retryDue(lane), delayMs),
      dueAt: performance.now() + delayMs,
    });
    this.watchWritable();
  }

  /** Retries every waiting lane as soon as the broker shows it takes writes again, not at the end of its backoff. */
  private watchWritable(): void {
    if (this.writableWatch !== undefined) return;
    const watch = new AbortController();
    this.writableWatch = watch;
    const dueAt = Math.max(...[...this.waiting.values()].map((lane) => lane.dueAt));
    void this.publisher.whenWritable(Math.max(dueAt - performance.now(), 0), watch.signal).then(() => {
      if (this.writableWatch === watch) this.writableWatch = undefined;
      if (watch.signal.aborted) return;
      for (const lane of [...this.waiting.keys()]) this.retryDue(lane);
    });
  }

  private retryDue(lane: string): void {
    const waiting = this.waiting.get(lane);
    if (waiting === undefined) return;
    clearTimeout(waiting.timer);
    this.news.push({ lane, retryDue: true });
    this.wake.ring();
  }

  /** A relay that no longer leads retries nothing: the lanes are the new holder's. */
  private forgetWaitingLanes(): void {
    this.writableWatch?.abort();
    this.writableWatch = undefined;
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    this.unsettled.clear();
    this.laneFailures.clear();
    this.news.splice(0, this.news.length, ...this.news.filter((news) => !('retryDue' in news)));
  }

  private async keepRelaying(): Promise<void> {
    this.outage = undefined;
    while (!this.stopping) {
      try {
        if (!(await this.lead())) {
          // Standing by, this relay no longer tries to publish: an outage it saw is the new holder's to report.
          this.outage = undefined;
          this.forgetWaitingLanes();
          await this.stopRequests.wait(this.settings.pollIntervalMs);
          continue;
        }
        const { failures } = await this.round();
        if (!this.leading) continue;
        if (failures.length > 0 && this.outageOutlastsLease()) {
          this.forgetWaitingLanes();
          await this.handOver();
          continue;
        }
        if (this.allLanesWell()) this.endOutage();
        await this.untilNextRound();
      } catch (error) {
        const outage = this.beginOutage(error);
        outage.failedAttempts++;
        const delayMs = retryDelay(outage.failedAttempts, this.settings.retry);
        this.log.retryScheduled(outage.failedAttempts, delayMs, error);
        if (this.outageOutlastsLease()) await this.handOver();
        else await this.untilRetry(delayMs);
      }
    }
    this.forgetWaitingLanes();
    // Not given up (the database is out of reach), the lease expires by itself within its time to live.
    await this.leadership.stepDown().catch(() => undefined);
  }

  /** Waits for news (a commit, a lane's retry due, the broker writable again) or the poll interval. */
  private async untilNextRound(): Promise<void> {
    if (this.stopping) return;
    await this.wake.wait(this.settings.pollIntervalMs);
  }

  private beginOutage(error: unknown): Outage {
    if (this.outage === undefined) {
      this.outage = { since: this.clock.now(), failedAttempts: 0 };
      this.log.outageBegan(error);
    }
    return this.outage;
  }

  private endOutage(): void {
    if (this.outage === undefined) return;
    this.log.outageEnded(this.outage.failedAttempts, this.clock.now().getTime() - this.outage.since.getTime());
    this.outage = undefined;
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

  /** The outage has lasted the bound with no batch acknowledged since it began (or since the lease came back). */
  private outageOutlastsLease(): boolean {
    const { handOverAfterMs } = this.settings;
    if (handOverAfterMs === undefined || this.outage === undefined || !this.leading) return false;
    const since = [this.outage.handedOverAt ?? this.outage.since, this.lastAcknowledgedAt ?? this.outage.since];
    const keptSince = Math.max(...since.map((at) => at.getTime()));
    return this.clock.now().getTime() - keptSince >= handOverAfterMs;
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
