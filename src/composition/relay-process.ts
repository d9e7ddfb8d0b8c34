import 'reflect-metadata';
import { Container } from 'inversify';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../adapters/config/config.js';
import { databaseModule } from './database-module.js';
import { messagingModule } from './messaging-module.js';
import { observabilityModule } from './observability-module.js';
import { systemModule } from './system-module.js';
import { tracingModule } from './tracing-module.js';
import { TYPES } from './types.js';

export interface RunningRelay {
  /** Lets the batch in flight finish, then disconnects from Kafka. */
  stop(): Promise<void>;
}

/**
 * The container of `npm run relay`: the database, the clock, Kafka with the relay, the spans of its publishes and
 * the metrics of the relay and the outbox; nothing of the API or the use cases.
 */
export function buildRelayContainer(config: ServiceConfig, logger: Logger): Container {
  if (config.kafka === undefined) throw new Error('the relay needs a broker: KAFKA_BROKERS is not set');
  const container = new Container();
  container.bind(TYPES.Config).toConstantValue(config);
  container.bind(TYPES.Logger).toConstantValue(logger);
  container.load(
    databaseModule,
    systemModule,
    messagingModule(config.kafka, config.relay),
    tracingModule,
    observabilityModule,
  );
  return container;
}

/** True when the service publishes its own outbox: a broker is configured and OUTBOX_RELAY is not off. */
export function relayRunsInProcess(config: ServiceConfig): boolean {
  return config.kafka !== undefined && config.relay.enabled;
}

/** Starts the outbox relay of a container that has the messaging module. */
export function startOutboxRelay(container: Container): RunningRelay {
  const relay = container.get(TYPES.OutboxRelay);
  const kafka = container.get(TYPES.KafkaEventPublisher);
  relay.start();
  return {
    async stop() {
      await relay.stop();
      await kafka.close();
    },
  };
}

/** The service's own relay, unless there is no broker or OUTBOX_RELAY=off; either way says so in one line. */
export function startRelayInProcess(
  container: Container,
  config: ServiceConfig,
  logger: Logger,
): RunningRelay | undefined {
  if (config.kafka === undefined) {
    logger.info('KAFKA_BROKERS is not set: events wait in the outbox and are published once a broker is configured');
    return undefined;
  }
  if (!config.relay.enabled) {
    logger.info(
      'OUTBOX_RELAY=off: this process publishes no events; they wait in the outbox for a relay (npm run relay)',
    );
    return undefined;
  }
  logger.info(
    { brokers: config.kafka.brokers, topic: config.kafka.topic },
    'outbox relay started: it publishes while it holds the lease, and says whether it leads or stands by',
  );
  return startOutboxRelay(container);
}
