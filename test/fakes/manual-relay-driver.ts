import type { RelayDriver } from '../../src/application/index.js';

/** The relay's driver worked by hand: it records what the policy asks of it, and keeps no time at all. */
export class ManualRelayDriver implements RelayDriver {
  /** How often the policy had news to take in. */
  wakes = 0;
  /** Every retry the policy asked for, in order. */
  readonly retries: Array<{ lane: string; delayMs: number }> = [];
  /** How often the policy gave up every lane's retry. */
  cancellations = 0;
  /** The lanes whose publish is watched for a stall now. */
  readonly watched: string[] = [];

  wake(): void {
    this.wakes++;
  }

  retryAfter(lane: string, delayMs: number): void {
    this.retries.push({ lane, delayMs });
  }

  cancelRetries(): void {
    this.cancellations++;
  }

  /** How often the policy watched the connection a round begins with. */
  connectWatches = 0;

  watchConnect(): () => void {
    this.connectWatches++;
    return () => undefined;
  }

  watchPublish(lane: string): () => void {
    this.watched.push(lane);
    return () => this.watched.splice(this.watched.indexOf(lane), 1);
  }
}
