import type { ServiceIdentifier } from 'inversify';
import type { Kafka } from 'kafkajs';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../adapters/auth/token-verifier.js';
import type { ServiceConfig } from '../adapters/config/config.js';
import type { CampaignUseCases } from '../adapters/http/campaign-routes.js';
import type { KafkaEventPublisher } from '../adapters/messaging/kafka-event-publisher.js';
import type { ReadinessCheck } from '../adapters/observability/readiness-check.js';
import type { OutboxBacklogSource } from '../adapters/observability/relay-status.js';
import type { RelayStatusTracker } from '../adapters/observability/relay-status-tracker.js';
import type { ServiceMetrics } from '../adapters/observability/service-metrics.js';
import type { DatabaseOutages } from '../adapters/persistence/database-outages.js';
import type { KnexDatabaseProbe } from '../adapters/persistence/knex/knex-database-probe.js';
import type { KnexIdempotencyJanitor } from '../adapters/persistence/knex/knex-idempotency-janitor.js';
import type { KnexOutboxJanitor } from '../adapters/persistence/knex/knex-outbox-janitor.js';
import type {
  CampaignCommandRunner,
  CampaignHistory,
  CampaignReader,
  Clock,
  EventPublisher,
  IdGenerator,
  OutboxSignal,
  PendingEvents,
  RelayLog,
  RunSchedule,
  UnitOfWork,
} from '../application/index.js';
import type { PeriodicPruning } from './periodic-pruning.js';
import type { RelayLoop } from './relay-loop.js';
import type { ScheduleLoop } from './schedule-loop.js';
import type { ShutdownState } from './shutdown-state.js';

export const TYPES = {
  Config: Symbol.for('Config') as ServiceIdentifier<ServiceConfig>,
  Logger: Symbol.for('Logger') as ServiceIdentifier<Logger>,
  Database: Symbol.for('Database') as ServiceIdentifier<Knex>,
  /** What the readiness probe and the backlog gauge read through: connections no request holds (PostgreSQL). */
  ProbeDatabase: Symbol.for('ProbeDatabase') as ServiceIdentifier<Knex>,
  /** What migrations run on: on PostgreSQL a connection of their own, with no deadline for the server's answer. */
  MigrationDatabase: Symbol.for('MigrationDatabase') as ServiceIdentifier<Knex>,
  /** Outages of the database as the service's units of work meet them, and as its reads do. */
  DatabaseWriteOutages: Symbol.for('DatabaseWriteOutages') as ServiceIdentifier<DatabaseOutages>,
  DatabaseReadOutages: Symbol.for('DatabaseReadOutages') as ServiceIdentifier<DatabaseOutages>,
  UnitOfWork: Symbol.for('UnitOfWork') as ServiceIdentifier<UnitOfWork>,
  CampaignReader: Symbol.for('CampaignReader') as ServiceIdentifier<CampaignReader>,
  CampaignHistory: Symbol.for('CampaignHistory') as ServiceIdentifier<CampaignHistory>,
  IdempotencyJanitor: Symbol.for('IdempotencyJanitor') as ServiceIdentifier<KnexIdempotencyJanitor>,
  OutboxJanitor: Symbol.for('OutboxJanitor') as ServiceIdentifier<KnexOutboxJanitor>,
  Clock: Symbol.for('Clock') as ServiceIdentifier<Clock>,
  IdGenerator: Symbol.for('IdGenerator') as ServiceIdentifier<IdGenerator>,
  OutboxSignal: Symbol.for('OutboxSignal') as ServiceIdentifier<OutboxSignal>,
  PendingEvents: Symbol.for('PendingEvents') as ServiceIdentifier<PendingEvents>,
  Kafka: Symbol.for('Kafka') as ServiceIdentifier<Kafka>,
  KafkaEventPublisher: Symbol.for('KafkaEventPublisher') as ServiceIdentifier<KafkaEventPublisher>,
  /** What the relay publishes through: the Kafka publisher, or a wrapper around it. */
  EventPublisher: Symbol.for('EventPublisher') as ServiceIdentifier<EventPublisher>,
  RelayLog: Symbol.for('RelayLog') as ServiceIdentifier<RelayLog>,
  OutboxRelay: Symbol.for('OutboxRelay') as ServiceIdentifier<RelayLoop>,
  TokenVerifier: Symbol.for('TokenVerifier') as ServiceIdentifier<TokenVerifier>,
  /** Loads a campaign, lets a command decide, saves it and remembers the Idempotency-Key: shared by the verbs. */
  CampaignCommandRunner: Symbol.for('CampaignCommandRunner') as ServiceIdentifier<CampaignCommandRunner>,
  CreateCampaign: Symbol.for('CreateCampaign') as ServiceIdentifier<CampaignUseCases['createCampaign']>,
  GetCampaign: Symbol.for('GetCampaign') as ServiceIdentifier<CampaignUseCases['getCampaign']>,
  ListCampaigns: Symbol.for('ListCampaigns') as ServiceIdentifier<CampaignUseCases['listCampaigns']>,
  ListCampaignEvents: Symbol.for('ListCampaignEvents') as ServiceIdentifier<CampaignUseCases['listCampaignEvents']>,
  StartCampaign: Symbol.for('StartCampaign') as ServiceIdentifier<CampaignUseCases['startCampaign']>,
  PauseCampaign: Symbol.for('PauseCampaign') as ServiceIdentifier<CampaignUseCases['pauseCampaign']>,
  ResumeCampaign: Symbol.for('ResumeCampaign') as ServiceIdentifier<CampaignUseCases['resumeCampaign']>,
  TerminateCampaign: Symbol.for('TerminateCampaign') as ServiceIdentifier<CampaignUseCases['terminateCampaign']>,
  DeleteCampaign: Symbol.for('DeleteCampaign') as ServiceIdentifier<CampaignUseCases['deleteCampaign']>,
  ModifyCampaign: Symbol.for('ModifyCampaign') as ServiceIdentifier<CampaignUseCases['modifyCampaign']>,
  RestartCampaign: Symbol.for('RestartCampaign') as ServiceIdentifier<CampaignUseCases['restartCampaign']>,
  /** The use cases as the HTTP routes call them, each the one bound under its own token. */
  CampaignUseCases: Symbol.for('CampaignUseCases') as ServiceIdentifier<CampaignUseCases>,
  RunSchedule: Symbol.for('RunSchedule') as ServiceIdentifier<RunSchedule>,
  Metrics: Symbol.for('Metrics') as ServiceIdentifier<ServiceMetrics>,
  OutboxBacklog: Symbol.for('OutboxBacklog') as ServiceIdentifier<OutboxBacklogSource>,
  /** The relay's state as its log tells it; GET /health/ready reports it when a relay runs in this process. */
  RelayStatus: Symbol.for('RelayStatus') as ServiceIdentifier<RelayStatusTracker>,
  DatabaseProbe: Symbol.for('DatabaseProbe') as ServiceIdentifier<KnexDatabaseProbe>,
  /** What GET /health/ready answers. */
  Readiness: Symbol.for('Readiness') as ServiceIdentifier<ReadinessCheck>,
  ShutdownState: Symbol.for('ShutdownState') as ServiceIdentifier<ShutdownState>,
  IdempotencyKeyPruning: Symbol.for('IdempotencyKeyPruning') as ServiceIdentifier<PeriodicPruning>,
  OutboxPruning: Symbol.for('OutboxPruning') as ServiceIdentifier<PeriodicPruning>,
  /** Runs the schedule at startup and every SCHEDULER_INTERVAL_MS; started only when the scheduler is on. */
  ScheduleLoop: Symbol.for('ScheduleLoop') as ServiceIdentifier<ScheduleLoop>,
};
