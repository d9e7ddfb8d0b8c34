import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OutboxBacklog, OutboxBacklogSource } from './relay-status.js';

/** The writes running now and those waiting for a connection (see write-share.ts). */
export type WritesSource = () => { running: number; waiting: number };

const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A disk's sync takes a fraction of a millisecond when it is well, hundreds when it stalls. */
const SYNC_BUCKETS_SECONDS = [0.00025, 0.0005, ...LATENCY_BUCKETS_SECONDS];

/** A sample that is not a number, as prom-client writes its value. */
const PROM_CLIENT_NAN_SAMPLE = /^([^#\n].*) Nan$/gm;

/** The text format spells a value that is not a number `NaN`; prom-client writes `Nan`, which strict parsers refuse. */
function withStandardNaN(exposition: string): string {
  return exposition.replace(PROM_CLIENT_NAN_SAMPLE, '$1 NaN');
}

/**
 * Every metric the service exposes, in a registry of its own (not prom-client's global one), so each
 * service instance, and each test, has its own. Served in Prometheus text format at GET /metrics.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, with their duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  readonly campaignsStarted = new Counter({
    name: 'campaigns_started_total',
    help: 'Campaign starts committed (CampaignStarted events), by trigger (manual or schedule)',
    labelNames: ['trigger'] as const,
    registers: [this.registry],
  });

  readonly startRefusals = new Counter({
    name: 'campaign_start_refusals_total',
    help: 'Starts the service refused, by error code (CAMPAIGN_NOT_STARTABLE, CAMPAIGN_EXPIRED, ...); not counted again when an Idempotency-Key answers one again',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly sqliteCommitDuration = new Histogram({
    name: 'sqlite_commit_duration_seconds',
    help: "Each SQLite group commit's COMMIT (WAL writes, fsync, any checkpoint), which holds the event loop; none on PostgreSQL",
    buckets: SYNC_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  readonly relayPublishDuration = new Histogram({
    name: 'outbox_relay_publish_duration_seconds',
    help: 'Time from handing a batch of events to the broker until it acknowledged them',
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  readonly relayPublishedEvents = new Counter({
    name: 'outbox_relay_published_events_total',
    help: 'Events the broker acknowledged',
    registers: [this.registry],
  });

  readonly relayErrors = new Counter({
    name: 'outbox_relay_errors_total',
    help: 'Failed relay attempts, each retried; cause="broker": a send refused, failed or stalled, or no connection to the brokers; cause="database": the outbox could not be read or marked, or the lease not asked for',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });

  readonly relayDegraded = new Gauge({
    name: 'outbox_relay_degraded',
    help: '1 while the relay of this process cannot publish: sends fail, or one waits for its acknowledgement past OUTBOX_PUBLISH_STALL_MS',
    registers: [this.registry],
  });

  readonly relayLeading = new Gauge({
    name: 'outbox_relay_leading',
    help: '1 while the relay of this process holds the lease and publishes, 0 while it stands by for another',
    registers: [this.registry],
  });

  constructor(backlog?: OutboxBacklogSource, writes?: WritesSource) {
    for (const cause of ['broker', 'database']) this.relayErrors.inc({ cause }, 0);
    collectDefaultMetrics({ register: this.registry });
    for (const trigger of ['manual', 'schedule']) this.campaignsStarted.inc({ trigger }, 0);
    if (backlog !== undefined) this.measureBacklogOnScrape(backlog);
    if (writes !== undefined) this.countWritesOnScrape(writes);
  }

  /** The Prometheus text exposition of every metric. */
  async exposition(): Promise<string> {
    return withStandardNaN(await this.registry.metrics());
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** `http_requests_in_progress`, read from `read` at each scrape. */
  countRequestsInProgress(read: () => number): void {
    this.gaugeReadOnScrape(
      'http_requests_in_progress',
      'Requests received and not yet answered whole: waiting for the database, being carried out, or their answers still being written',
      read,
    );
  }

  private countWritesOnScrape(writes: WritesSource): void {
    this.gaugeReadOnScrape(
      'database_writes_in_progress',
      'Writes holding one of the database connections writes may take (PostgreSQL: all but two of the pool)',
      () => writes().running,
    );
    this.gaugeReadOnScrape(
      'database_writes_waiting',
      'Writes waiting for one of those connections: above 0 for long, commits are stalling',
      () => writes().waiting,
    );
  }

  private gaugeReadOnScrape(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  private measureBacklogOnScrape(source: OutboxBacklogSource): void {
    // Both gauges read one query: the first collect of a scrape starts it, the second one shares it.
    let inFlight: Promise<OutboxBacklog | undefined> | undefined;
    const measure = () => {
      inFlight ??= source
        .backlog()
        .catch(() => undefined)
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    };
    new Gauge({
      name: 'outbox_backlog_events',
      help: 'Committed events not yet published to the broker (NaN when the database does not answer)',
      registers: [this.registry],
      async collect() {
        const backlog = await measure();
        this.set(backlog?.count ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest unpublished event; 0 when none is waiting (NaN when the database does not answer)',
      registers: [this.registry],
      async collect() {
        const backlog = await measure();
        const oldest = backlog?.oldestCreatedAt;
        this.set(backlog === undefined ? Number.NaN : oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
      },
    });
  }
}
