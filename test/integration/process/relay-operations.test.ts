import { createServer } from 'node:net';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS, testKafkaBrokers } from '../../support/kafka-global.js';
import { sample } from '../../support/metric-sample.js';
import { rawExchange } from '../../support/raw-http.js';
import { type RelayProcess, relayCliRuns } from '../../support/relay-process.js';
import { uniqueTopic } from '../../support/topic-reader.js';

describe('npm run relay answers probes and scrapes on RELAY_PORT', function () {
  this.timeout(60_000);
  const runs = relayCliRuns();
  let relay: RelayProcess | undefined;

  const lines = () =>
    relay!.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; url?: string });
  const url = async () => {
    await eventually('the relay listens', () => lines().some((line) => line.msg.includes('answers /health/live')), {
      timeoutMs: 20_000,
    });
    return lines().find((line) => line.msg.includes('answers /health/live'))!.url!;
  };
  const get = async (base: string, path: string) => {
    const answer = await fetch(`${base}${path}`);
    return { status: answer.status, text: await answer.text() };
  };

  it('says it publishes: ready, running, leading, with the backlog, when its broker answers', async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    const brokers = await testKafkaBrokers();
    relay = runs.start({ LOG_LEVEL: 'info', RELAY_PORT: '0', KAFKA_BROKERS: brokers, KAFKA_TOPIC: uniqueTopic('ops') });
    const base = await url();

    expect((await get(base, '/health/live')).status).to.equal(200);
    await eventually(
      'it leads',
      async () => JSON.parse((await get(base, '/health/ready')).text).relay?.state === 'running',
    );
    const ready = await get(base, '/health/ready');
    expect(ready.status).to.equal(200);
    expect(JSON.parse(ready.text)).to.deep.include({
      status: 'ready',
      outbox: { backlog: 0, oldestUnpublishedAgeSeconds: null },
    });
    const metrics = (await get(base, '/metrics')).text;
    expect(sample(metrics, 'outbox_relay_leading')).to.equal(1);
    expect(sample(metrics, 'outbox_relay_degraded')).to.equal(0);
    expect(sample(metrics, 'outbox_backlog_events')).to.equal(0);
    expect((await get(base, '/api/v1/campaigns')).status, 'no API').to.equal(404);
    const serverWide = await rawExchange(base, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(serverWide.status).to.equal(200);
    expect(serverWide.headers.allow?.split(', ')).to.have.members(['GET', 'HEAD', 'OPTIONS']);
    expect((await relay.stop()).code, relay.output.join('')).to.equal(0);
  });

  it('says degraded, broker-unreachable, with its failed attempts, when no broker answers', async () => {
    relay = runs.start({ LOG_LEVEL: 'info', RELAY_PORT: '0' });
    const base = await url();
    await eventually(
      'it finds the broker unreachable',
      async () => JSON.parse((await get(base, '/health/ready')).text).relay?.state === 'broker-unreachable',
      { timeoutMs: 30_000 },
    );
    const ready = await get(base, '/health/ready');
    expect(ready.status).to.equal(200);
    expect(JSON.parse(ready.text).status).to.equal('degraded');
    const metrics = (await get(base, '/metrics')).text;
    expect(sample(metrics, 'outbox_relay_degraded')).to.equal(1);
    expect(sample(metrics, 'outbox_relay_errors_total{cause="broker"}')).to.be.at.least(1);
    expect((await relay.stop()).code, relay.output.join('')).to.equal(0);
  });

  it('listens on no port without RELAY_PORT', async () => {
    relay = runs.start({ LOG_LEVEL: 'info' });
    await eventually('it started', () => lines().some((line) => line.msg.startsWith('outbox relay started')), {
      timeoutMs: 30_000,
    });
    expect(lines().filter((line) => line.msg.includes('answers /health/live'))).to.deep.equal([]);
    expect((await relay.stop()).code, relay.output.join('')).to.equal(0);
  });

  it('exits 1 naming RELAY_PORT when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    try {
      const { port } = taken.address() as { port: number };
      relay = runs.start({ RELAY_PORT: String(port) });
      expect((await relay.exited()).code).to.equal(1);
      expect(relay.output.join('')).to.include('RELAY_PORT');
    } finally {
      taken.close();
    }
  });
});
