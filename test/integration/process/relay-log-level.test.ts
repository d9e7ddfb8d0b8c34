import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { type RelayProcess, relayCliRuns } from '../../support/relay-process.js';

describe('npm run relay reads LOG_LEVEL as the service does', function () {
  this.timeout(20_000);
  const runs = relayCliRuns();
  let relay: RelayProcess | undefined;

  const levelsLogged = () =>
    relay!.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { level: number }).level);

  for (const written of ['warn ', ' WARN', 'Warn']) {
    it(`runs at warn with LOG_LEVEL=${JSON.stringify(written)}, logging none of its info lines`, async () => {
      relay = runs.start({ LOG_LEVEL: written });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await Promise.race([relay.exited(), 'running']), relay.output.join('')).to.equal('running');
      expect(levelsLogged(), relay.output.join('')).not.to.include(30);
      expect((await relay.stop()).code, relay.output.join('')).to.equal(0);
    });
  }

  it('warns when it made the SQLite database it publishes from, which the service would have made', async () => {
    relay = runs.start();
    const warned = () =>
      relay!.output
        .join('')
        .split('\n')
        .filter((line) => line.includes('"level":40') && line.includes('the relay made a new, empty SQLite database'));
    await eventually('the relay warned', () => warned().length === 1);
    expect((await relay.stop()).code, relay.output.join('')).to.equal(0);

    relay = runs.start({ LOG_LEVEL: 'info' });
    await eventually('an info line is logged', () => levelsLogged().includes(30));
    expect(warned(), 'the second time, the database was there').to.deep.equal([]);
    expect((await relay.stop()).code, relay.output.join('')).to.equal(0);
  });

  it('runs at info with LOG_LEVEL empty, as when it is unset', async () => {
    relay = runs.start({ LOG_LEVEL: '' });
    await eventually('an info line is logged', () => levelsLogged().includes(30));
    // It says it started, not that it publishes: whether it leads or stands by is said when it knows.
    expect(relay.output.join('')).to.include('"msg":"outbox relay started').and.not.include('publishing to Kafka');
    expect((await relay.stop()).code, relay.output.join('')).to.equal(0);
  });
});
