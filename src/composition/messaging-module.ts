import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ContainerModule } from 'inversify';
import type { Kafka } from 'kafkajs';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { KafkaSettings, RelaySettings } from '../adapters/config/config.js';
import { PinoRelayLog } from '../adapters/logging/pino-relay-log.js';
import { createKafka } from '../adapters/messaging/kafka-client.js';
import { KafkaEventPublisher } from '../adapters/messaging/kafka-event-publisher.js';
import { logProducerReplaced } from '../adapters/messaging/producer-log.js';
import { logTopicLayout } from '../adapters/messaging/topic-log.js';
import { KnexPendingEvents } from '../adapters/persistence/knex/knex-pending-events.js';
import { KnexRelayLease } from '../adapters/persistence/knex/knex-relay-lease.js';
import {
  type Clock,
  type EventPublisher,
  type OutboxSignal,
  type PendingEvents,
  RelayLeadership,
  type RelayLog,
  reachingTheLease,
  reachingTheOutbox,
} from '../application/index.js';
import { RelayLoop } from './relay-loop.js';
import { TYPES } from './types.js';

/** How long the relay waits before retrying a failed batch: 100 ms at first, doubling up to 5 s. */
const RELAY_RETRY = { initialDelayMs: 100, maxDelayMs: 5_000 };

/**
 * One relay at a time publishes: the lease lasts 5 s from each renewal and is renewed every second, so a standby
 * takes over within about 5 s (plus its poll interval) of the active relay's death, and at once after a shutdown.
 */
const RELAY_LEASE = { ttlMs: 5_000, renewEveryMs: 1_000 };

/** A relay that holds the lease but has not published for this long hands it over, in case only it is cut off. */
const RELAY_HAND_OVER_AFTER_MS = 30_000;

/**
 * Kafka and the outbox relay; loaded only when KAFKA_BROKERS is set. The relay hears the process's commits where the
 * container commits events (the persistence module binds their signal); `npm run relay`'s commits none and hears none.
 */
export function messagingModule(kafka: KafkaSettings, relay: RelaySettings): ContainerModule {
  /** This relay's name in the lease table and in its log lines. */
  const relayId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  return new ContainerModule(({ bind }) => {
    bind(TYPES.PendingEvents)
      .toResolvedValue((db: Knex) => new KnexPendingEvents(db), [TYPES.Database])
      .inSingletonScope();
    bind(TYPES.Kafka)
      .toResolvedValue((logger: Logger) => createKafka(kafka, logger), [TYPES.Logger])
      .inSingletonScope();
    bind(TYPES.KafkaEventPublisher)
      .toResolvedValue(
        (client: Kafka, logger: Logger) =>
          new KafkaEventPublisher(
            client,
            {
              topic: kafka.topic,
              topicPartitions: kafka.topicPartitions,
              topicReplicationFactor: kafka.topicReplicationFactor,
              topicMinInsyncReplicas: kafka.topicMinInsyncReplicas,
              eventSource: kafka.eventSource,
            },
            (layout) => logTopicLayout(logger, layout),
            (cause) => logProducerReplaced(logger, cause),
          ),
        [TYPES.Kafka, TYPES.Logger],
      )
      .inSingletonScope();
    // A resolved value rather than toService: activation handlers (the metrics wrapper) apply to it.
    bind(TYPES.EventPublisher)
      .toResolvedValue((publisher: KafkaEventPublisher) => publisher, [TYPES.KafkaEventPublisher])
      .inSingletonScope();
    bind(TYPES.RelayLog)
      .toResolvedValue((logger: Logger) => new PinoRelayLog(logger.child({ relayId })), [TYPES.Logger])
      .inSingletonScope();
    bind(TYPES.OutboxRelay)
      .toResolvedValue(
        (
          pending: PendingEvents,
          publisher: EventPublisher,
          db: Knex,
          clock: Clock,
          log: RelayLog,
          signal: OutboxSignal | undefined,
        ) => {
          const lease = reachingTheLease(new KnexRelayLease(db, relayId, RELAY_LEASE.ttlMs));
          const leadership = new RelayLeadership(lease, RELAY_LEASE);
          const settings = { ...relay, retry: RELAY_RETRY, handOverAfterMs: RELAY_HAND_OVER_AFTER_MS };
          const ports = { pending: reachingTheOutbox(pending), publisher, leadership, clock, log };
          return new RelayLoop(ports, settings, signal);
        },
        [
          TYPES.PendingEvents,
          TYPES.EventPublisher,
          TYPES.Database,
          TYPES.Clock,
          TYPES.RelayLog,
          { serviceIdentifier: TYPES.OutboxSignal, optional: true },
        ],
      )
      .inSingletonScope();
  });
}
