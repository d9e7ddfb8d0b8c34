import type { ConnectionOptions } from 'node:tls';
import kafkajs, { type Kafka, type LogEntry, type SASLOptions } from 'kafkajs';
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
  const warning = clearTextPasswordWarning(settings);
  if (warning !== undefined) logger.warn({ component: 'kafkajs' }, warning);
  return new KafkaClient({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...kafkaSecurity(settings),
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

/** kafkajs's `ssl` and `sasl` options from the settings, whose PEM files the configuration has read and checked. */
export function kafkaSecurity(settings: Pick<KafkaSettings, 'tls' | 'sasl'>): {
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
} {
  const { tls, sasl } = settings;
  const ssl: ConnectionOptions | undefined =
    tls === undefined
      ? undefined
      : {
          ...(tls.ca === undefined ? {} : { ca: tls.ca }),
          ...(tls.cert === undefined ? {} : { cert: tls.cert }),
          ...(tls.key === undefined ? {} : { key: tls.key }),
        };
  return {
    ...(ssl === undefined ? {} : { ssl: Object.keys(ssl).length === 0 ? true : ssl }),
    ...(sasl === undefined
      ? {}
      : { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions }),
  };
}

/** The warning a setting that sends the SASL password in clear text deserves; undefined for any other. */
export function clearTextPasswordWarning(settings: Pick<KafkaSettings, 'tls' | 'sasl'>): string | undefined {
  return settings.sasl?.mechanism === 'plain' && settings.tls === undefined
    ? 'KAFKA_SASL_MECHANISM=plain without KAFKA_SSL=on sends the password to the brokers in clear text'
    : undefined;
}
