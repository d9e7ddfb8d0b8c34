import {
  type EventPublisher,
  type OutboxSignal,
  RelayPolicy,
  type RelayPolicySettings,
  type RelayPorts,
  type Round,
} from '../application/index.js';
import { Doorbell } from './doorbell.js';
import { LaneRetryTimers } from './lane-retry-timers.js';
import { LeaseRenewal } from './lease-renewal.js';

export interface OutboxRelaySettings extends RelayPolicySettings {
  /** A publish not acknowledged within this long begins an outage (the relay reports it stalled); none when absent. */
  publishStallMs?: number;
  /** How long a read nothing known calls for waits for a local commit; UNCALLED_READ_DELAY_MS when absent. */
  uncalledReadDelayMs?: number;
}

/** Poll intervals a relay that handed the lease over waits before it asks for it again. */
const HAND_OVER_PAUSE_POLLS = 3;

/**
 * How long a read that nothing known calls for (a batch settled cleanly, no local commit since the last page) waits
 * for a local commit to share its page with. It could find only what another process committed meanwhile.
 */
export const UNCALLED_READ_DELAY_MS = 10;

/**
 * Runs the outbox relay: round after round of its policy (RelayPolicy, which decides what to read, publish, mark
 * and retry), woken by a local commit, a batch that settled, a lane whose retry fell due, or the poll interval.
 * It keeps the relay's time: the lanes' retry timers, the stall watch of each publish, the backoff of a failed
 * round, the pause after handing the lease over, and the lease's renewals.
 */
export class RelayLoop {
  /** Rung by a local commit, by a lane's batch that settled, by a lane whose retry is due, and by stop(). */
  private wake = new Doorbell();
  /** Rung by a local commit only; renewed as each page read begins, so it holds whether one came since. */
  private commits = new Doorbell();
  private stopRequests = new Doorbell();
  private stopping = false;
  private running: Promise<void> | undefined;
  private stopListening: (() => void) | undefined;
  private readonly policy: RelayPolicy;
  private readonly broker: EventPublisher;
  private readonly retries: LaneRetryTimers;
  private readonly leaseRenewal: LeaseRenewal;

  constructor(
    ports: RelayPorts,
    private readonly settings: OutboxRelaySettings,
    private readonly signal?: OutboxSignal,
  ) {
    this.broker = ports.publisher;
    this.retries = new LaneRetryTimers(ports.publisher, (lane, brokerWritable) =>
      this.policy.retryDue(lane, brokerWritable),
    );
    this.leaseRenewal = new LeaseRenewal(ports.leadership);
    this.policy = new RelayPolicy(ports, settings, {
      wake: () => this.wake.ring(),
      retryAfter: (lane, delayMs) => this.retries.retryAfter(lane, delayMs),
      cancelRetries: () => this.retries.cancelAll(),
      watchPublish: (lane) => this.watchPublish(lane),
      watchConnect: () => this.watchConnect(),
    });
  }

  /** Whether local commits wake it (and a read nothing known calls for waits for one); else every wake reads. */
  get hearsLocalCommits(): boolean {
    return this.signal !== undefined;
  }

  start(): void {
    if (this.running !== undefined) return;
    this.stopping = false;
    this.policy.begin();
    this.wake = new Doorbell();
    this.stopRequests = new Doorbell();
    this.stopListening = this.signal?.listen(() => this.committed());
    this.leaseRenewal.start();
    this.running = this.keepRelaying();
  }

  /** Lets the batches in flight finish (published and marked), then stops and gives the lease up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopListening?.();
    this.wake.ring();
    this.commits.ring();
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
    const renewing = !this.leaseRenewal.running;
    if (renewing) this.leaseRenewal.start();
    try {
      this.retries.allDueNow();
      const { published, failures } = await this.round(false);
      if (failures.length > 0) throw failures[0];
      return published;
    } finally {
      if (renewing) this.leaseRenewal.stop();
    }
  }

  private async keepRelaying(): Promise<void> {
    while (!this.stopping) {
      try {
        if (!(await this.policy.lead())) {
          this.policy.standBy();
          await this.stopRequests.wait(this.settings.pollIntervalMs);
          continue;
        }
        const next = this.policy.afterRound(await this.round(true));
        if (next === 'hand over') await this.handOver();
        else if (next === 'wait for news') await this.untilNextRound();
      } catch (error) {
        const next = this.policy.afterFailedRound(error);
        if (next.kind === 'hand over') await this.handOver();
        else await this.untilRetry(next.delayMs);
      }
    }
    this.leaseRenewal.stop();
    await this.policy.stepDown();
  }

  /**
   * Starts batches and takes their outcomes, each time something happened, until no batch is in flight. With
   * `deferUncalledReads`, a wake that calls for no read waits a little for a local commit first (see
   * untilReadCalledFor).
   */
  private async round(deferUncalledReads: boolean): Promise<Round> {
    const round = await this.policy.beginRound();
    let readFailure: { error: unknown } | undefined;
    for (;;) {
      this.policy.takeNews(round);
      if (readFailure === undefined && !this.stopping) {
        try {
          if (await this.policy.lead()) {
            this.commits = new Doorbell();
            await this.policy.readAndStart(() => this.stopping);
          }
        } catch (error) {
          readFailure = { error };
        }
      }
      if (this.policy.roundOver) break;
      const rang = await this.wake.wait(this.settings.pollIntervalMs);
      if (rang && deferUncalledReads) await this.untilReadCalledFor();
      this.policy.restartReadingIfDue();
    }
    if (readFailure !== undefined) throw readFailure.error;
    return round;
  }

  private committed(): void {
    this.commits.ring();
    this.wake.ring();
  }

  /**
   * A batch that settled cleanly, with no local commit since the last page, leaves nothing known to read: such a
   * read could find only what another process committed. It waits up to UNCALLED_READ_DELAY_MS for a local commit,
   * whose page then serves both (at once if one came since the page began); under steady traffic that about halves
   * the pages read. Without a signal of local commits (a relay in a process of its own) every wake reads at once.
   */
  private async untilReadCalledFor(): Promise<void> {
    if (this.signal === undefined || this.stopping || this.policy.readOwed) return;
    await this.commits.wait(this.settings.uncalledReadDelayMs ?? UNCALLED_READ_DELAY_MS);
  }

  /** Waits for news (a commit, a lane's retry due, the broker writable again) or the poll interval. */
  private async untilNextRound(): Promise<void> {
    if (this.stopping) return;
    await this.wake.wait(this.settings.pollIntervalMs);
  }

  /** Waits out the backoff, but retries as soon as the broker shows it takes writes again. */
  private async untilRetry(delayMs: number): Promise<void> {
    const abandon = new AbortController();
    try {
      await Promise.race([this.stopRequests.wait(delayMs), this.broker.whenWritable(delayMs, abandon.signal)]);
    } finally {
      abandon.abort();
    }
  }

  /** Gives the lease up and lets the other relays take it for a few poll intervals before asking again. */
  private async handOver(): Promise<void> {
    await this.policy.handOver();
    await this.stopRequests.wait(HAND_OVER_PAUSE_POLLS * this.settings.pollIntervalMs);
  }

  /** Tells the policy when the connection a round begins with is still not made past the stall threshold. */
  private watchConnect(): () => void {
    const stallMs = this.settings.publishStallMs;
    if (stallMs === undefined) return () => undefined;
    const timer = setTimeout(() => this.policy.connectStalled(stallMs), stallMs);
    return () => clearTimeout(timer);
  }

  /** Tells the policy when a publish is still unacknowledged past the stall threshold (it waits on). */
  private watchPublish(lane: string): () => void {
    const stallMs = this.settings.publishStallMs;
    if (stallMs === undefined) return () => undefined;
    const timer = setTimeout(() => this.policy.publishStalled(lane, stallMs), stallMs);
    return () => clearTimeout(timer);
  }
}
