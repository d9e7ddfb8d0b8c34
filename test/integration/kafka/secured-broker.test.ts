import pino from 'pino';
import { SQLITE } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { BROKER_START_TIMEOUT_MS } from '../../support/kafka-global.js';
import { LocalKafkaBroker, SECURE_USER } from '../../support/local-kafka-broker.js';
import { LogLines } from '../../support/log-lines.js';
import { TestService } from '../../support/test-service.js';
import { TopicReader, uniqueTopic } from '../../support/topic-reader.js';

/** A broker that takes clients over TLS only, each authenticated by SASL (PLAIN), as a company's cluster does. */
describe('Events published to a broker that wants TLS and SASL (SQLite)', function () {
  this.timeout(120_000);
  let broker: LocalKafkaBroker;
  let service: TestService | undefined;
  let reader: TopicReader | undefined;
  let logs: LogLines;

  before(async function () {
    this.timeout(BROKER_START_TIMEOUT_MS);
    broker = await LocalKafkaBroker.launch({ secure: true });
  });
  after(async () => {
    await broker?.remove();
  });
  afterEach(async () => {
    await reader?.close();
    reader = undefined;
    await service?.stop();
    service = undefined;
  });

  const startService = async (topic: string, security: Record<string, string>) => {
    logs = new LogLines();
    service = await TestService.start(SQLITE, {
      env: { KAFKA_BROKERS: broker.secure!.brokers, KAFKA_TOPIC: topic, ...security },
      logger: pino({ level: 'debug' }, logs),
    });
    return service;
  };
  const secureSettings = (password = SECURE_USER.password) => ({
    KAFKA_SSL: 'on',
    KAFKA_SSL_CA_FILE: broker.secure!.caFile,
    KAFKA_SASL_MECHANISM: 'PLAIN',
    KAFKA_SASL_USERNAME: SECURE_USER.username,
    KAFKA_SASL_PASSWORD: password,
  });
  const relayState = async () =>
    (await service!.request('GET', '/health/ready', { token: null })).body.relay as {
      state: string;
      lastError?: string;
    };

  it('are published over TLS, the service authenticated by SASL', async () => {
    const topic = uniqueTopic('secured');
    const running = await startService(topic, secureSettings());
    const id = await running.createCampaign();
    expect((await running.request('POST', `/api/v1/campaigns/${id}/start`)).status).to.equal(200);

    reader = await TopicReader.open(broker.brokers, topic);
    const [message] = await reader.waitForKeys([id], 1, 30_000);
    expect(message!.headers.ce_type).to.equal('CampaignStarted');
    expect((await relayState()).state).to.equal('running');
  });

  it('wait in the outbox while the broker refuses the password, which the service never writes down', async () => {
    const wrong = 'not-the-password-42';
    const running = await startService(uniqueTopic('secured'), secureSettings(wrong));
    await running.request('POST', `/api/v1/campaigns/${await running.createCampaign()}/start`);
    await eventually('the relay finds the broker refusing it', async () => (await relayState()).state !== 'running', {
      timeoutMs: 30_000,
    });
    expect(await relayState()).to.include({ state: 'broker-unreachable' });
    expect((await relayState()).lastError).to.match(/SASLAuthentication/);
    const text = JSON.stringify(logs.lines);
    expect(text).to.match(/authentication failed/i);
    expect(text).to.not.include(wrong);
  });

  it("wait in the outbox when the broker's certificate is signed by no authority the service trusts", async () => {
    const { KAFKA_SSL_CA_FILE: _trusted, ...withoutAuthority } = secureSettings();
    const running = await startService(uniqueTopic('secured'), withoutAuthority);
    await running.request('POST', `/api/v1/campaigns/${await running.createCampaign()}/start`);
    await eventually('the relay finds no broker it trusts', async () => (await relayState()).state !== 'running', {
      timeoutMs: 30_000,
    });
    expect(await relayState()).to.include({ state: 'broker-unreachable' });
    expect(JSON.stringify(logs.lines)).to.match(/self-signed certificate/);
  });
});
