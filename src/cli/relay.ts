import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../adapters/config/config.js';
import { installTracing } from '../adapters/tracing/tracing-sdk.js';
import { createLogger } from '../composition/logger.js';
import { buildRelayContainer, startOutboxRelay } from '../composition/relay-process.js';
import { migrateOrExplain } from '../composition/startup-failure.js';
import { stopOnSignals } from '../composition/stop-on-signals.js';
import { TYPES } from '../composition/types.js';

/** The outbox relay on its own, for when the service runs with OUTBOX_RELAY=off or without Kafka. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.kafka === undefined) {
    throw new ConfigError(['KAFKA_BROKERS is required to run the relay, e.g. KAFKA_BROKERS=127.0.0.1:9092']);
  }
  // Before the database is opened, which makes its file.
  const { database } = config;
  const madeNow = database.kind === 'sqlite' && !existsSync(database.filename) ? database.filename : undefined;
  const logger = createLogger(config.logLevel);
  const tracing = await installTracing(config.tracing, logger);
  const container = buildRelayContainer(config, logger);
  const db = container.get(TYPES.Database);
  await migrateOrExplain(db, config);
  // Right when the relay starts before the service ever ran; a mistake when the service's database is elsewhere.
  if (madeNow !== undefined)
    logger.warn(
      { file: madeNow },
      "the relay made a new, empty SQLite database: if the service keeps its database elsewhere, give the relay the service's DATABASE_URL (a relative path is read from the directory it runs in)",
    );
  const relay = startOutboxRelay(container);
  logger.info(
    { brokers: config.kafka.brokers, topic: config.kafka.topic },
    'outbox relay started: it publishes while it holds the lease, and says whether it leads or stands by',
  );

  const work = {
    stop: () =>
      relay
        .stop()
        .then(() => db.destroy())
        .then(() => tracing.flush()),
  };
  stopOnSignals(work, logger, config.shutdownTimeoutMs, 'stopping the outbox relay after the batch in flight');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
