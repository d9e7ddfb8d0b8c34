import type { Logger } from 'pino';
import { mintTokenFor } from './adapters/auth/token-minter.js';
import { ConfigError, loadConfig, type ServiceConfig } from './adapters/config/config.js';
import { DatabaseFileUnusable } from './adapters/persistence/sqlite/writable-file.js';
import { createLogger, writeAfterLogLines } from './composition/logger.js';
import { type RunningService, startService } from './composition/service.js';
import { StartupFailure } from './composition/startup-failure.js';
import { StartupStop } from './composition/startup-stop.js';
import { stopOnSignals } from './composition/stop-on-signals.js';

async function main(): Promise<void> {
  const config = loadOrExit();
  const logger = createLogger(config.logLevel, { pretty: process.stdout.isTTY === true && !config.production });
  // From the first step: a signal while starting stops what has started (startup-stop.ts).
  const startup = new StartupStop();
  stopOnSignals(startup, logger, config.shutdownTimeoutMs);
  const service = await startService(config, logger, { startup }).catch((error: unknown) => {
    // Stopped while starting: the signal's handler ends the process once what started has stopped.
    if (startup.stopping) return new Promise<never>(() => {});
    if (error instanceof DatabaseFileUnusable) {
      logger.fatal({ file: error.file, error: error.osError }, 'the SQLite database file cannot be used');
      process.exit(1);
    }
    // A setting found wrong only once used (a KAFKA_SSL_* file that cannot be read): said as loadConfig says it.
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    if (isPortInUse(error)) {
      process.stderr.write(`port ${config.port} is in use: set PORT\n`);
      process.exit(1);
    }
    if (error instanceof StartupFailure) {
      logger.fatal({ setting: error.setting, error: error.reason }, error.what);
    } else {
      logger.fatal({ err: error }, 'the service could not start');
    }
    process.exit(1);
  });
  logger.info({ url: service.url, database: config.database.kind }, 'campaign service listening');
  if (service.developmentSecret !== undefined) await printDevelopmentHelp(service, config, logger);
}

function loadOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

function isPortInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

async function printDevelopmentHelp(service: RunningService, config: ServiceConfig, logger: Logger): Promise<void> {
  const token = await mintTokenFor(config, { secret: service.developmentSecret!, ttlSeconds: 3600 });
  const api = `${service.url}/api/v1`;
  // After the log lines, so the help reads after the line saying the service listens.
  writeAfterLogLines(
    logger,
    [
      '',
      'Development mode: no AUTH_JWT_SECRET or AUTH_JWKS_URL is set, so tokens are signed with a secret kept in the',
      'data directory. Here is a token with every scope, valid for one hour (`npm run token` mints another):',
      '',
      `  export TOKEN=${token}`,
      `  curl -s -X POST ${api}/campaigns -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\`,
      `       -d '{"name":"Spring sale","startAt":"2030-01-01T09:00:00Z","endAt":"2030-02-01T09:00:00Z"}'`,
      `  curl -s -X POST ${api}/campaigns/<id>/start -H "Authorization: Bearer $TOKEN"`,
      `  curl -s ${api}/campaigns/<id> -H "Authorization: Bearer $TOKEN"               # the Volt MX read form`,
      `  curl -s "${api}/campaigns/<id>?view=service" -H "Authorization: Bearer $TOKEN"  # the service's own view`,
      '',
      'The operator console, signed in with that token (the part after # never leaves the browser):',
      '',
      `  ${service.url}/console/#token=${token}`,
      '',
      '',
    ].join('\n'),
  );
}

await main();
