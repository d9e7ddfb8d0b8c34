import { ContainerModule } from 'inversify';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import {
  OutboxRelay,
  type Clock,
  type EventPublisher,
  type OutboxSignal,
  type PendingEvents,
  type RelayLog,
} from '../application/index.js';
import type { KafkaSettings, RelaySettings } from '../adapters/config/config.js';
import { PinoRelayLog } from '../adapters/logging/pino-relay-log.js';
import { createKafka } from '../adapters/messaging/kafka-client.js';
import { KafkaEventPublisher } from '../adapters/messaging/kafka-event-publisher.js';
import { TYPES } from './types.js';

/** How long the relay waits before retrying a failed batch: 100 ms at first, doubling up to 5 s. */
const RELAY_RETRY = { initialDelayMs: 100, maxDelayMs: 5_000 };

/** Kafka and the outbox relay; loaded only when KAFKA_BROKERS is set. */
export function messagingModule(kafka: KafkaSettings, relay: RelaySettings): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TYPES.Kafka).toResolvedValue((logger: Logger) => createKafka(kafka, logger), [TYPES.Logger]).inSingletonScope();
    bind(TYPES.KafkaEventPublisher)
      .toResolvedValue(
        (client: Kafka) =>
          new KafkaEventPublisher(client, {
            topic: kafka.topic,
            topicPartitions: kafka.topicPartitions,
            eventSource: kafka.eventSource,
          }),
        [TYPES.Kafka],
      )
      .inSingletonScope();
    // A resolved value rather than toService: activation handlers (the metrics wrapper) apply to it.
    bind(TYPES.EventPublisher)
      .toResolvedValue((publisher: KafkaEventPublisher) => publisher, [TYPES.KafkaEventPublisher])
      .inSingletonScope();
    bind(TYPES.RelayLog).toResolvedValue((logger: Logger) => new PinoRelayLog(logger), [TYPES.Logger]).inSingletonScope();
    bind(TYPES.OutboxRelay)
      .toResolvedValue(
        (pending: PendingEvents, publisher: EventPublisher, clock: Clock, log: RelayLog, signal: OutboxSignal) =>
          new OutboxRelay(pending, publisher, clock, log, { ...relay, retry: RELAY_RETRY }, signal),
        [TYPES.PendingEvents, TYPES.EventPublisher, TYPES.Clock, TYPES.RelayLog, TYPES.OutboxSignal],
      )
      .inSingletonScope();
  });
}
