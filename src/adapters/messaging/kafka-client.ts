import kafkajs, { type Kafka, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaSettings } from '../config/config.js';

const { Kafka: KafkaClient, logLevel } = kafkajs;

/**
 * A few quick retries inside kafkajs, enough for a leader that moves; a longer outage is the relay's to wait
 * out with its own backoff, so an attempt fails within about a second and a stop is never held up for long.
 */
export const KAFKAJS_RETRY = { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 };

/**
 * A kafkajs client whose own log lines go to debug: the relay reports an outage once, in its words, instead
 * of kafkajs logging every failed connection.
 */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new KafkaClient({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3_000,
    retry: KAFKAJS_RETRY,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, label, log }: LogEntry) => {
        const { message, ...details } = log;
        kafkaLogger.debug({ namespace, kafkaLevel: label, ...details }, message);
      },
  });
}
