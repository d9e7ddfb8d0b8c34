import type { Clock } from '../ports/clock.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import type { PendingEvent, PendingEvents } from '../ports/pending-events.js';
import type { RelayLog } from '../ports/relay-log.js';
import { type BatchOutcome, publishAndMark } from './batch-publication.js';
import { LaneGathering } from './lane-gathering.js';
import { OutboxReading } from './outbox-reading.js';
import { ReadingLap } from './reading-lap.js';
import type { RelayDriver } from './relay-driver.js';
import { RelayLanes } from './relay-lanes.js';
import type { RelayLeadership } from './relay-leadership.js';
import { PublishStalled, RelayOutages } from './relay-outages.js';
import { type RetryPolicy, retryDelay } from './retry-policy.js';

export interface RelayPorts {
  pending: PendingEvents;
  publisher: EventPublisher;
  leadership: RelayLeadership;
  /** The wall clock: when a batch was published. */
  clock: Clock;
  log: RelayLog;
  /**
   * Milliseconds on a clock that never goes back (`performance.now()` when absent): how long an outage lasted is
   * measured on it, so a step of the wall clock neither hands the lease over early nor keeps it through an outage.
   */
  monotonic?: () => number;
}

export interface RelayPolicySettings {
  /** The most events one lane publishes at once, and the most events read from the outbox at once. */
  batchSize: number;
  /** How often the relay looks for events committed elsewhere; the reading starts again from the oldest no oftener. */
  pollIntervalMs: number;
  retry: RetryPolicy;
  /** A relay that has not published for this long while holding the lease hands it over to another relay. */
  handOverAfterMs?: number;
}

/** What the batches of a round came to: how many events were published and marked, and the failures. */
export interface Round {
  published: number;
  failures: unknown[];
}

/** What the relay does once a round is over: ask the lease again, give it up for a while, or wait for news. */
export type AfterRound = 'ask again' | 'hand over' | 'wait for news';

/** What the relay does after a round that failed as a whole (the outbox or the broker out of reach). */
export type AfterFailedRound = { kind: 'hand over' } | { kind: 'retry'; delayMs: number };

/** What became of a lane's batch (from the sequence of its first event), or that a lane's retry is due. */
type LaneNews = ({ lane: string; from: bigint } & BatchOutcome) | { lane: string; retryDue: true };

/**
 * Decides what the outbox relay does; a driver runs it and keeps its time (see RelayDriver): the loop, the timers
 * and the waits are the composition root's.
 *
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
export class RelayPolicy {
  /** The last answer to "may I publish?", so that only a change is reported. */
  private leading: boolean | undefined;
  /** The lease was handed over and not asked for since. */
  private handedOver = false;
  private readonly outages: RelayOutages;
  private readonly reading = new OutboxReading();
  private readonly lanes = new RelayLanes();
  private readonly gathering: LaneGathering;
  private readonly lap: ReadingLap;
  private readonly news: LaneNews[] = [];
  /** The lanes there were when the round began (see beginRound). */
  private lanesOfRound: number | undefined;

  constructor(
    private readonly ports: RelayPorts,
    private readonly settings: RelayPolicySettings,
    private readonly driver: RelayDriver,
  ) {
    const now = ports.monotonic ?? (() => performance.now());
    this.outages = new RelayOutages(now, ports.log);
    this.lap = new ReadingLap(settings.pollIntervalMs, now);
    this.gathering = new LaneGathering(settings.batchSize);
  }

  /** The relay (re)starts: it knows nothing of the lease yet, and no outage of before is its to report. */
  begin(): void {
    this.leading = undefined;
    this.handedOver = false;
    this.outages.forget();
  }

  /**
   * Asks whether this relay may publish now, and reports when the answer changes: taking over (with the outage it
   * is still in, if any: a publish stalled or refused before it stood by is not over), taking back the lease it
   * handed over (the outage goes on), or standing by.
   */
  async lead(): Promise<boolean> {
    const leading = await this.ports.leadership.mayPublish();
    const tookBack = this.handedOver && leading && this.leading === true;
    this.handedOver = false;
    if (tookBack) this.ports.log.tookLeaseBack();
    else if (leading !== this.leading) {
      this.leading = leading;
      if (leading) {
        this.ports.log.leading();
        this.outages.reportOngoing();
      } else this.ports.log.standingBy();
    }
    return leading;
  }

  /** Another relay holds the lease: this one no longer tries to publish, and an outage it saw is the holder's. */
  standBy(): void {
    this.outages.forget();
    this.stopRetrying();
  }

  /**
   * A round reads the outbox from its oldest unpublished event and starts a batch on every free lane, then reads
   * on each time a batch settles or events are committed, until no batch is in flight (`roundOver`).
   */
  async beginRound(): Promise<Round> {
    const endWatch = this.driver.watchConnect();
    try {
      await this.ports.publisher.connect();
    } finally {
      endWatch();
    }
    const lanes = this.ports.publisher.laneCount();
    if (this.lanesOfRound !== undefined && lanes !== this.lanesOfRound) this.laidOutAnew();
    this.lanesOfRound = lanes;
    this.restartReading();
    return { published: 0, failures: [] };
  }

  /**
   * The publisher laid its lanes out anew (for Kafka: the topic was recreated with another number of partitions):
   * a campaign's events now go through another lane. A failed batch is no longer sent again as it was, on its old
   * lane beside the new ones: the reading starts from the oldest unpublished event, and each lane's events go in
   * outbox order. (The broker could not recognise such a copy anyway: the topic is a new one.)
   */
  private laidOutAnew(): void {
    this.driver.cancelRetries();
    this.lanes.forget();
  }

  /** The lanes changed since the round began: it starts nothing more, and the next round reads anew. */
  private laidOutAnewInRound(): boolean {
    return this.lanesOfRound !== undefined && this.ports.publisher.laneCount() !== this.lanesOfRound;
  }

  /** No batch is in flight, and nothing happened on the lanes that the round has not taken in. */
  get roundOver(): boolean {
    return !this.lanes.anyInFlight && this.news.length === 0;
  }

  /**
   * Whether a page must be read now for what is known to wait: a lane whose retry fell due, a batch that failed or
   * met a row committed late, a lane the reading went past, or events gathered and not started. A batch that
   * settled cleanly leaves none of these: a page read after it finds only what was committed since the last one.
   */
  get readOwed(): boolean {
    const clean = (news: LaneNews) => !('retryDue' in news) && news.failure === undefined && !news.leftBehind;
    if (!this.news.every(clean)) return true;
    return this.reading.heldLanes().length > 0 || this.gathering.lanes().length > 0;
  }

  /** Takes what happened on the lanes since the last page: counts it, and lets the lanes free take events again. */
  takeNews(round: Round): void {
    for (const news of this.news.splice(0)) {
      if ('retryDue' in news) {
        this.lanes.retryDue(news.lane);
      } else {
        this.lanes.settled(news.lane);
        this.gathering.settled(news.lane);
        round.published += news.published;
        if (news.failure !== undefined) {
          round.failures.push(news.failure);
          this.reading.hold(news.lane, news.from);
          // Its failed batch goes again first, unchanged; what it read ahead is read again after it.
          this.gathering.drop(news.lane);
          this.lanes.keepUnsettled(news.lane, news.unsettled);
        }
        // A row committed late below the reading: read again from the oldest, so that it goes first.
        if (news.leftBehind) this.restartReading();
      }
      // A lane whose next batch is not read yet: the reading goes back for it, and for every lane with room.
      if (!this.lanes.busy(news.lane) && !this.gathering.full(news.lane)) this.goBackForLanesWithRoom();
    }
  }

  /**
   * Sends again the failed batches whose retry is due and starts the batches read ahead in full, then reads pages
   * until the newest event. A lane's batch is its oldest events, gathered over the pages, and starts as soon as it
   * holds `batchSize` of them, or once the reading reached the newest. A lane with a batch in flight reads its next
   * batch ahead; a lane that takes no more (its next batch read, or its last one failed) is held (see
   * OutboxReading). Before each page after the first it asks the lease again, and stops when the answer is no or
   * `stopping()` is true: what it gathered starts once a later reading reaches the newest. It stops too once
   * every lane is held: no page could give any of them an event, until news releases one. Once the publisher laid
   * its lanes out anew it starts nothing until the next round.
   */
  async readAndStart(stopping: () => boolean): Promise<void> {
    const { batchSize } = this.settings;
    if (this.laidOutAnewInRound()) return;
    await this.sendUnsettledDue();
    for (const lane of this.gathering.lanes()) if (this.gathering.full(lane)) this.startGathered(lane);
    for (;;) {
      if (this.everyLaneHeld()) return;
      const readPast = this.reading.position !== undefined;
      const page = await this.ports.pending.next(batchSize, this.reading.position);
      this.lap.pageRead(page.length === batchSize);
      let committedLate = false;
      for (const event of page) {
        const lane = this.ports.publisher.laneOf(event);
        if (this.reading.holds(lane) || this.gathering.took(lane, event)) continue;
        if (this.gathering.gatheredAfter(lane, event)) {
          // It goes before them: they are read again after it.
          this.gathering.drop(lane);
          this.reading.hold(lane, event.sequence);
          committedLate = true;
          continue;
        }
        if (!this.takesEvents(lane)) {
          this.reading.hold(lane, event.sequence);
          continue;
        }
        this.gathering.add(lane, event, readPast);
        if (this.gathering.full(lane)) this.startGathered(lane);
      }
      if (page.length > 0) {
        this.reading.readTo(page[page.length - 1]!.sequence, (lane) => !this.takesEvents(lane));
      }
      if (committedLate) this.goBackForLanesWithRoom();
      if (page.length < batchSize) break;
      if (stopping() || !(await this.lead())) return;
    }
    for (const lane of this.gathering.lanes()) this.startGathered(lane);
  }

  /** Reads from the oldest unpublished event again, when that is due (see ReadingLap). */
  restartReadingIfDue(): void {
    if (this.lap.restartDue()) this.restartReading();
  }

  /**
   * The lane's retry fell due (its backoff ended, or the broker shows it takes writes again): it may publish again.
   * After the broker came back, a retry that still fails (a client whose metadata lags a moment behind) waits the
   * first delay again, not the longest one the outage reached: the cluster may not announce itself a second time.
   */
  retryDue(lane: string, brokerWritable = false): void {
    if (!this.lanes.waits(lane)) return;
    if (brokerWritable) this.lanes.restartBackoff(lane);
    this.news.push({ lane, retryDue: true });
    this.driver.wake();
  }

  /** The connection to the broker is still not made after `waitedMs`: an outage begins while it waits on. */
  connectStalled(waitedMs: number): void {
    this.outages.begin(new PublishStalled(waitedMs));
  }

  /** A publish of the lane is still not acknowledged after `waitedMs`: an outage begins while it waits on. */
  publishStalled(lane: string, waitedMs: number): void {
    this.lanes.stalls(lane);
    this.outages.begin(new PublishStalled(waitedMs));
  }

  /** Decides what follows a round: standing by, handing the lease over after a long outage, or publishing on. */
  afterRound(round: Round): AfterRound {
    if (!this.leading) return 'ask again';
    if (round.failures.length > 0 && this.outageOutlastsLease()) {
      this.stopRetrying();
      return 'hand over';
    }
    if (this.lanes.allWell()) this.outages.end();
    return 'wait for news';
  }

  /** Decides what follows a round that failed as a whole: a retry after a growing delay, or handing over. */
  afterFailedRound(error: unknown): AfterFailedRound {
    const failedAttempts = this.outages.failedAttempt(error);
    const delayMs = retryDelay(failedAttempts, this.settings.retry);
    this.ports.log.retryScheduled(failedAttempts, delayMs, error);
    return this.outageOutlastsLease() ? { kind: 'hand over' } : { kind: 'retry', delayMs };
  }

  /**
   * This relay cannot publish, maybe because only it cannot reach the brokers: it gives the lease up, for the
   * other relays to take. When none does, it takes the lease back and goes on trying.
   */
  async handOver(): Promise<void> {
    this.outages.handingOver();
    this.handedOver = true;
    await this.ports.leadership.stepDown().catch(() => undefined);
  }

  /** The relay stops: it retries nothing more and gives the lease up. */
  async stepDown(): Promise<void> {
    this.stopRetrying();
    this.lanes.forget();
    // Not given up (the database is out of reach), the lease expires by itself within its time to live.
    await this.ports.leadership.stepDown().catch(() => undefined);
  }

  private restartReading(): void {
    this.reading.restart();
    this.gathering.restart();
    this.lap.started();
  }

  /**
   * The lane takes the events the reading meets: it is free and its batch not full yet, or its batch is in flight
   * and its next one not read in full yet.
   */
  private takesEvents(lane: string): boolean {
    if (this.gathering.full(lane)) return false;
    return !this.lanes.busy(lane) || this.lanes.onlyInFlight(lane);
  }

  private everyLaneHeld(): boolean {
    const lanes = this.ports.publisher.laneCount();
    return lanes !== undefined && this.reading.heldLanes().length >= lanes;
  }

  /** Releases every held lane that takes events again, so that one reading back serves them all. */
  private goBackForLanesWithRoom(): void {
    for (const lane of this.reading.heldLanes()) if (this.takesEvents(lane)) this.reading.release(lane);
  }

  /** Starts the lane's gathered batch, if it is free to publish. */
  private startGathered(lane: string): void {
    if (this.lanes.busy(lane)) return;
    const batch = this.gathering.take(lane);
    if (batch !== undefined) this.startBatch(lane, batch.events, batch.readPast);
  }

  /** `readPast`: the batch was read after a sequence, so a row committed late below it may be missing from it. */
  private startBatch(lane: string, batch: readonly PendingEvent[], readPast: boolean): void {
    this.lanes.started(lane);
    this.gathering.started(lane, batch);
    void this.publishBatch(lane, batch, readPast).then((news) => {
      this.news.push(news);
      this.driver.wake();
    });
  }

  /** Publishes and marks one lane's batch; never rejects: a failure is the lane's news. */
  private async publishBatch(lane: string, batch: readonly PendingEvent[], readPast: boolean): Promise<LaneNews> {
    const { pending, clock } = this.ports;
    const publish = (events: readonly PendingEvent[]) => this.publishWatched(lane, events);
    const outcome = await publishAndMark(batch, { pending, clock, publish, readPast });
    if (outcome.failure !== undefined) this.laneFailed(lane, outcome.failure);
    else if (!outcome.leftBehind) this.acknowledged(lane);
    return { lane, from: batch[0]!.sequence, ...outcome };
  }

  /** Publishes one batch, the driver watching for a stall meanwhile. */
  private async publishWatched(lane: string, batch: readonly PendingEvent[]): Promise<void> {
    const endWatch = this.driver.watchPublish(lane);
    try {
      await this.ports.publisher.publish(batch);
    } finally {
      endWatch();
      this.lanes.answered(lane);
    }
  }

  private acknowledged(lane: string): void {
    this.lanes.acknowledged(lane);
    this.outages.acknowledged();
    if (this.lanes.allWell()) this.outages.end();
  }

  /** The lane takes no events until its retry is due, after a delay that grows with its failures in a row. */
  private laneFailed(lane: string, error: unknown): void {
    const failedAttempts = this.outages.failedAttempt(error);
    const delayMs = retryDelay(this.lanes.failed(lane), this.settings.retry);
    this.ports.log.retryScheduled(failedAttempts, delayMs, error);
    this.driver.retryAfter(lane, delayMs);
  }

  /** A relay that no longer leads retries nothing: the lanes are the new holder's (see RelayLanes.standBy). */
  private stopRetrying(): void {
    this.driver.cancelRetries();
    this.lanes.standBy();
    this.restartReading();
    this.news.splice(0, this.news.length, ...this.news.filter((news) => !('retryDue' in news)));
  }

  /**
   * Sends again, exactly as they were, the failed batches whose retry is due. One kept while the relay stood by
   * goes only if it still waits (another relay may have published it): none of it marked published, some of it
   * still held; otherwise the lane reads anew. The others were checked before their first send already: a second
   * check could only divide what the broker may hold. (Their events go again even if a database restored under
   * the relay lost them: they were committed, and the mark, by event id, marks none of the events given their
   * positions since.)
   */
  private async sendUnsettledDue(): Promise<void> {
    const due = this.lanes.takeUnsettledDue();
    for (const [i, { lane, batch, keptWhileStandingBy }] of due.entries()) {
      let unpublished: boolean;
      try {
        unpublished = !keptWhileStandingBy || (await this.ports.pending.stillWaiting(batch));
      } catch (error) {
        for (const kept of due.slice(i)) this.lanes.keepUnsettled(kept.lane, kept.batch, kept.keptWhileStandingBy);
        throw error;
      }
      if (unpublished) this.startBatch(lane, batch, false);
      else this.goBackForLanesWithRoom();
    }
  }

  /** The outage has lasted the bound with no batch acknowledged since it began (or since the lease came back). */
  private outageOutlastsLease(): boolean {
    const { handOverAfterMs } = this.settings;
    return handOverAfterMs !== undefined && this.leading === true && this.outages.lasted(handOverAfterMs);
  }
}
