import { loadConfig } from '../../src/adapters/config/config.js';
import { createLogger } from '../../src/composition/logger.js';
import { startService } from '../../src/composition/service.js';

/**
 * The service as `node dist/src/main.js` runs it, with its whole HTTP layer (the request envelope: request id,
 * security headers, JSON errors, histogram, log line; the router, the token check, the id's parsing), but a start
 * answered at once, without its use case, transaction or outbox row: what the HTTP layer alone costs, between bare
 * Koa and the full start path in `npm run bench:http`.
 */
const config = loadConfig();
const logger = createLogger(config.logLevel, { pretty: false });
const service = await startService(config, logger, {
  campaignUseCases: (own) => ({
    ...own,
    startCampaign: { execute: (command) => Promise.resolve({ id: command.campaignId.toString() }) },
  }),
});
logger.info({ url: service.url }, 'campaign service listening');
process.once('SIGTERM', () => void service.stop().then(() => process.exit(0)));
