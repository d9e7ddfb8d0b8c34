import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../../support/expect.js';
import { runToExit } from '../../support/run-to-exit.js';

describe('A KAFKA_SSL_* file that cannot be read', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-security-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const [script, what, env] of [
    ['main.js', 'the service', {}],
    ['main.js', 'the service that runs no relay', { OUTBOX_RELAY: 'off' }],
    ['cli/relay.js', 'npm run relay', {}],
    ['cli/events-tail.js', 'npm run events:tail', {}],
  ] as const) {
    it(`stops ${what} with status 1 before it makes anything, naming the setting and the file in one line`, async () => {
      const missing = join(dir, 'no-such-ca.pem');
      const exit = await runToExit(
        script,
        {
          DATA_DIR: dir,
          DATABASE_URL: `sqlite:${join(dir, 'campaigns.sqlite')}`,
          KAFKA_BROKERS: '127.0.0.1:9',
          KAFKA_SSL_CA_FILE: missing,
          ...env,
        },
        { cwd: dir },
      );
      expect(exit.code, exit.lines.join('\n')).to.equal(1);
      expect(exit.stderr).to.include(`KAFKA_SSL_CA_FILE ${missing} cannot be read: ENOENT`);
      expect(exit.stderr).to.not.match(/\n\s+at /);
      expect(readdirSync(dir), 'what it made').to.deep.equal([]);
    });
  }
});
