import type { Outage } from '../persistence/database-outages.js';
import type { DatabaseProbeResult } from '../persistence/knex/knex-database-probe.js';
import type { OutboxBacklogSource, RelayState, RelayStatusSource } from './relay-status.js';

/**
 * `ready`: take traffic. `degraded`: take traffic, but events wait in the outbox (the broker is unreachable;
 * starts are still accepted and kept), or the database answers reads but refuses writes (a full or read-only disk),
 * so reads are served and writes answered 503 until a write goes through. `unavailable`: send no traffic (the
 * database does not answer, or the service is stopping).
 */
export type Readiness = 'ready' | 'degraded' | 'unavailable';

export interface ReadinessReport {
  status: Readiness;
  /** Set once shutdown began. */
  reason?: 'stopping';
  database: {
    status: 'up' | 'down';
    latencyMs: number;
    error?: string;
    /** Only while the service's writes are refused for want of the database: since when, how many, and why. */
    writes?: { status: 'failing'; since: string; refused: number; cause: string };
  };
  /** Only when the database answered. */
  outbox?: { backlog: number; oldestUnpublishedAgeSeconds: number | null };
  /** Only when a relay publishes to a broker (Kafka is configured). */
  relay?: { state: RelayState; since: string; failedAttempts?: number; lastError?: string };
}

export interface ReadinessSources {
  database: { check(): Promise<DatabaseProbeResult> };
  backlog: OutboxBacklogSource;
  /** Absent when no relay runs in this process. */
  relay?: RelayStatusSource | undefined;
  /** True once shutdown began: the load balancer should stop sending requests. */
  stopping: () => boolean;
  /** The outage of the service's writes going on, if one is. */
  writes?: { current(): Outage | undefined };
  now?: () => Date;
}

export class ReadinessCheck {
  constructor(private readonly sources: ReadinessSources) {}

  async check(): Promise<ReadinessReport> {
    const { database, backlog, relay, stopping, writes, now = () => new Date() } = this.sources;
    // Side by side, each within its own limit: a database that stalls costs a probe one limit, not the sum of two.
    const [probe, waiting] = await Promise.all([database.check(), backlog.backlog().catch(() => undefined)]);
    const report: ReadinessReport = {
      status: 'ready',
      database: {
        status: probe.up ? 'up' : 'down',
        latencyMs: probe.latencyMs,
        ...(probe.error ? { error: probe.error } : {}),
      },
    };
    const writeOutage = writes?.current();
    if (writeOutage !== undefined) {
      const { since, refused, cause } = writeOutage;
      report.database.writes = { status: 'failing', since: since.toISOString(), refused, cause };
    }
    if (probe.up && waiting !== undefined) {
      const oldest = waiting.oldestCreatedAt;
      report.outbox = {
        backlog: waiting.count,
        oldestUnpublishedAgeSeconds: oldest === null ? null : Math.max(0, (now().getTime() - oldest.getTime()) / 1000),
      };
    }
    if (relay !== undefined) {
      const { state, since, ...details } = relay.relayStatus();
      report.relay = { state, since: since.toISOString(), ...details };
    }
    if (stopping()) {
      report.status = 'unavailable';
      report.reason = 'stopping';
    } else if (!probe.up) report.status = 'unavailable';
    else if (
      writeOutage !== undefined ||
      report.relay?.state === 'broker-unreachable' ||
      report.relay?.state === 'database-unreachable'
    )
      report.status = 'degraded';
    return report;
  }
}
