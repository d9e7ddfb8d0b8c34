import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { relayCliRuns } from '../../support/relay-process.js';

describe('npm run relay stopped while it waits to migrate its database', function () {
  this.timeout(30_000);
  const runs = relayCliRuns();

  it('stops as it does once running, exits 0 and never starts publishing, as the service does', async () => {
    // A live process (this one) holds the migration lock: the relay waits for its turn, polling.
    const file = join(runs.database().dataDir, 'campaigns.sqlite');
    writeFileSync(`${file}.migration-lock`, String(process.pid));
    const relay = runs.start({ LOG_LEVEL: 'info' });
    // Its pool opens the database file before the migrations ask for the lock.
    await eventually('the relay has opened its database', () => existsSync(file));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exit = await relay.stop();
    const output = relay.output.join('');
    expect(exit, output).to.deep.equal({ code: 0, signal: null });
    expect(output).to.include('"msg":"stopping the outbox relay after the batch in flight"');
    expect(output).not.to.include('outbox relay started');
  });
});
