import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { ConfigError, loadConfig } from '../adapters/config/config.js';
import { installTracing } from '../adapters/tracing/tracing-sdk.js';
import { createLogger } from '../composition/logger.js';
import { migrateOnOwnDatabase } from '../composition/migration.js';
import { buildRelayContainer, startOutboxRelay } from '../composition/relay-process.js';
import { StartupStop } from '../composition/startup-stop.js';
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
  // From the first step, as the service's startup: a signal while migrating stops what has started.
  const startup = new StartupStop();
  stopOnSignals(startup, logger, config.shutdownTimeoutMs, 'stopping the outbox relay after the batch in flight');
  const tracing = await installTracing(config.tracing, logger);
  startup.started(() => tracing.flush());
  const container = buildRelayContainer(config, logger);
  const db = container.get(TYPES.Database);
  startup.started(() => db.destroy());
  await migrateOnOwnDatabase(container, config, startup).catch((error: unknown) => {
    // Stopped while migrating: the signal's handler ends the process once what started has stopped.
    if (startup.stopping) return new Promise<never>(() => {});
    throw error;
  });
  // Right when the relay starts before the service ever ran; a mistake when the service's database is elsewhere.
  if (madeNow !== undefined)
    logger.warn(
      { file: madeNow },
      "the relay made a new, empty SQLite database: if the service keeps its database elsewhere, give the relay the service's DATABASE_URL (a relative path is read from the directory it runs in)",
    );
  if (startup.stopping) return;
  if (config.relay.port !== undefined) {
    // Loaded only when asked for: without RELAY_PORT the relay loads nothing of HTTP.
    const { serveRelayOperations } = await import('../composition/relay-operations.js');
    const server = await serveRelayOperations(container, config, logger, () => startup.stopping);
    startup.started(() => closeServer(server));
  }
  if (startup.stopping) return;
  const relay = startOutboxRelay(container);
  startup.started(() => relay.stop());
  logger.info(
    { brokers: config.kafka.brokers, topic: config.kafka.topic },
    'outbox relay started: it publishes while it holds the lease, and says whether it leads or stands by',
  );
}

/** Stops taking connections and closes the idle ones; the requests in flight finish first. */
function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  return closed;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
