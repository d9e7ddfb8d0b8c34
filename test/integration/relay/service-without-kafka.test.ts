import { type Logger, pino } from 'pino';
import { loadConfig } from '../../../src/adapters/config/config.js';
import { type RunningService, startService } from '../../../src/composition/service.js';
import { SQLITE, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { TEST_SECRET } from '../../support/test-service.js';

/** A logger that keeps the messages of its lines. */
function recordingLogger(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void messages.push(JSON.parse(line).msg as string) },
  );
  return { logger, messages };
}

describe('The service without a relay in its process (SQLite)', () => {
  let database: TestDatabase;
  let running: RunningService | undefined;

  beforeEach(async () => {
    database = await SQLITE.create();
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await database.drop();
  });

  const start = async (env: Record<string, string>) => {
    const { logger, messages } = recordingLogger();
    const config = loadConfig({
      AUTH_JWT_SECRET: TEST_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      SCHEDULER: 'off',
      ...database.env,
      ...env,
    });
    running = await startService(config, logger);
    return messages;
  };

  it('runs without KAFKA_BROKERS and says in one line that events wait in the outbox', async () => {
    const messages = await start({});
    expect(messages.filter((m) => /outbox/i.test(m))).to.deep.equal([
      'KAFKA_BROKERS is not set: events wait in the outbox and are published once a broker is configured',
    ]);
  });

  it('runs with OUTBOX_RELAY=off and says in one line that another relay must publish', async () => {
    const messages = await start({ KAFKA_BROKERS: '127.0.0.1:1', OUTBOX_RELAY: 'off' });
    expect(messages.filter((m) => /outbox/i.test(m))).to.deep.equal([
      'OUTBOX_RELAY=off: this process publishes no events; they wait in the outbox for a relay (npm run relay)',
    ]);
  });
});
