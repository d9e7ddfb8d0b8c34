/**
 * What the operator sees of the outbox relay: health checks and metrics read these, the relay (or something
 * that watches it) answers them. Nothing here changes what the relay does.
 */

/**
 * `broker-unreachable`: publishing fails and the relay is retrying; events wait safely in the outbox.
 * `database-unreachable`: the relay cannot read or mark the outbox, or ask for its lease; events wait as well.
 * `standby`: another relay (another instance) holds the lease and publishes; this one takes over if it stops.
 */
export type RelayState = 'running' | 'standby' | 'broker-unreachable' | 'database-unreachable' | 'stopped';

export interface RelayStatus {
  state: RelayState;
  /** When the relay entered this state. */
  since: Date;
  /** While the broker is unreachable: the failed attempts so far and the kind of the last error (its name). */
  failedAttempts?: number;
  lastError?: string;
}

export interface RelayStatusSource {
  relayStatus(): RelayStatus;
}

/** The committed events no relay has published yet. */
export interface OutboxBacklog {
  count: number;
  /** When the oldest of them was committed; null when there are none. */
  oldestCreatedAt: Date | null;
}

export interface OutboxBacklogSource {
  backlog(): Promise<OutboxBacklog>;
}
