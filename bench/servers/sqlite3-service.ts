import { loadConfig } from '../../src/adapters/config/config.js';
import { createLogger } from '../../src/composition/logger.js';
import { startService } from '../../src/composition/service.js';
import { Sqlite3GroupCommitUnitOfWork } from '../support/sqlite3-group-commit.js';

/**
 * The service as `node dist/src/main.js` runs it on SQLite, but with its writes (group commit) on the `sqlite3`
 * driver instead of better-sqlite3: the other side of the driver comparison in `npm run bench:http`.
 */
const config = loadConfig();
if (config.database.kind !== 'sqlite') throw new Error('the sqlite3 driver comparison runs on SQLite only');
const logger = createLogger(config.logLevel, { pretty: false });
const filename = config.database.filename;
// The benchmark hands over a migrated file and runs no relay, so nothing listens for the outbox signal.
const unitOfWork = await Sqlite3GroupCommitUnitOfWork.open(filename);
const service = await startService(config, logger, { unitOfWork: () => unitOfWork });
logger.info({ url: service.url, database: 'sqlite (sqlite3 driver for writes)' }, 'campaign service listening');
process.once('SIGTERM', () => void service.stop().then(() => process.exit(0)));
