import type { Container } from 'inversify';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../adapters/config/config.js';
import { TYPES } from './types.js';

export interface RunningRelay {
  /** Lets the batch in flight finish, then disconnects from Kafka. */
  stop(): Promise<void>;
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
export function startRelayInProcess(container: Container, config: ServiceConfig, logger: Logger): RunningRelay | undefined {
  if (config.kafka === undefined) {
    logger.info('KAFKA_BROKERS is not set: events wait in the outbox and are published once a broker is configured');
    return undefined;
  }
  if (!config.relay.enabled) {
    logger.info('OUTBOX_RELAY=off: this process publishes no events; they wait in the outbox for a relay (npm run relay)');
    return undefined;
  }
  logger.info({ brokers: config.kafka.brokers, topic: config.kafka.topic }, 'outbox relay publishing to Kafka');
  return startOutboxRelay(container);
}
