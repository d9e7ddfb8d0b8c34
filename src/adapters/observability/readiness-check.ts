import type { DatabaseProbeResult } from '../persistence/knex/knex-database-probe.js';
import type { OutboxBacklogSource, RelayState, RelayStatusSource } from './relay-status.js';

/**
 * `ready`: take traffic. `degraded`: take traffic, but events wait in the outbox (the broker is unreachable;
 * starts are still accepted and kept). `unavailable`: send no traffic (the database does not answer, or the
 * service is stopping).
 */
export type Readiness = 'ready' | 'degraded' | 'unavailable';

export interface ReadinessReport {
  status: Readiness;
  /** Set once shutdown began. */
  reason?: 'stopping';
  database: { status: 'up' | 'down'; latencyMs: number; error?: string };
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
  now?: () => Date;
}

export class ReadinessCheck {
  constructor(private readonly sources: ReadinessSources) {}

  async check(): Promise<ReadinessReport> {
    const { database, backlog, relay, stopping, now = () => new Date() } = this.sources;
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
    else if (report.relay?.state === 'broker-unreachable' || report.relay?.state === 'database-unreachable')
      report.status = 'degraded';
    return report;
  }
}
