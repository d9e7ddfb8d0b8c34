import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../../src/adapters/config/config.js';
import { configProblems } from '../../../support/config-problems.js';
import { expect } from '../../../support/expect.js';

/** PEM files made for these tests alone: an authority, a client certificate it signed, and the client's key. */
const fixture = (name: string) => fileURLToPath(new URL(`../../../../../test/fixtures/tls/${name}`, import.meta.url));

describe('Configuration of Kafka and the outbox relay', () => {
  it('has no Kafka without KAFKA_BROKERS, and the relay on with its defaults', () => {
    const config = loadConfig({});
    expect(config.kafka).to.equal(undefined);
    expect(config.relay).to.deep.equal({ enabled: true, pollIntervalMs: 1000, batchSize: 500, publishStallMs: 3000 });
  });

  it('speaks TLS and SASL to the brokers only when asked, with the files read and the credentials as given', () => {
    const brokers = { KAFKA_BROKERS: 'kafka-1:9093' };
    expect(loadConfig(brokers).kafka).to.not.have.any.keys('tls', 'sasl');
    expect(loadConfig({ ...brokers, KAFKA_SSL: 'ON' }).kafka!.tls).to.deep.equal({
      ca: undefined,
      cert: undefined,
      key: undefined,
    });
    const tls = loadConfig({
      ...brokers,
      KAFKA_SSL_CA_FILE: fixture('authority.pem'),
      KAFKA_SSL_CERT_FILE: fixture('client.pem'),
      KAFKA_SSL_KEY_FILE: fixture('client.key'),
    }).kafka!.tls!;
    expect(tls.ca).to.deep.equal([readFileSync(fixture('authority.pem'), 'utf8').trim()]);
    expect(tls.cert).to.equal(readFileSync(fixture('client.pem'), 'utf8'));
    expect(tls.key).to.equal(readFileSync(fixture('client.key'), 'utf8'));
    expect(
      loadConfig({
        ...brokers,
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'campaigns',
        KAFKA_SASL_PASSWORD: ' with spaces ',
      }).kafka!.sasl,
    ).to.deep.equal({ mechanism: 'scram-sha-512', username: 'campaigns', password: ' with spaces ' });
  });

  it('refuses at startup a PEM file that cannot be read or used, naming the setting and the file', () => {
    const brokers = { KAFKA_BROKERS: 'kafka-1:9093' };
    const missing = join(tmpdir(), 'no-such-dir', 'ca.pem');
    expect(configProblems({ ...brokers, KAFKA_SSL_CA_FILE: missing })[0]).to.equal(
      `KAFKA_SSL_CA_FILE ${missing} cannot be read: ENOENT`,
    );
    expect(configProblems({ ...brokers, KAFKA_SSL_CA_FILE: fixture('client.key') })[0]).to.match(
      /^KAFKA_SSL_CA_FILE .* holds no PEM certificate$/,
    );
    const client = { KAFKA_SSL_CERT_FILE: fixture('client.pem') };
    expect(configProblems({ ...brokers, ...client, KAFKA_SSL_KEY_FILE: fixture('client-encrypted.key') })[0]).to.match(
      /cannot be used together .*the key is encrypted/,
    );
    expect(configProblems({ ...brokers, ...client, KAFKA_SSL_KEY_FILE: fixture('authority.pem') })[0]).to.match(
      /^KAFKA_SSL_CERT_FILE .* and KAFKA_SSL_KEY_FILE .* cannot be used together/,
    );
  });

  it('refuses TLS and SASL settings that cannot work together, never naming the password', () => {
    const brokers = { KAFKA_BROKERS: 'kafka-1:9093' };
    expect(configProblems({ ...brokers, KAFKA_SSL: 'off', KAFKA_SSL_CA_FILE: '/ca.pem' })[0]).to.match(
      /^KAFKA_SSL is off/,
    );
    expect(configProblems({ ...brokers, KAFKA_SSL_CERT_FILE: fixture('client.pem') })[0]).to.match(/go together/);
    expect(configProblems({ ...brokers, KAFKA_SSL: 'yes' })[0]).to.match(/^KAFKA_SSL /);
    expect(configProblems({ ...brokers, KAFKA_SASL_MECHANISM: 'gssapi' })[0]).to.match(/^KAFKA_SASL_MECHANISM /);
    expect(configProblems({ ...brokers, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })[0]).to.match(
      /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
    const problems = configProblems({ ...brokers, KAFKA_SASL_PASSWORD: 'hunter2-secret' });
    expect(problems[0]).to.match(/need KAFKA_SASL_MECHANISM/);
    expect(problems.join('\n')).to.not.include('hunter2-secret');
  });

  it('gives npm run relay a port for its probes and scrapes only when RELAY_PORT says so', () => {
    expect(loadConfig({ RELAY_PORT: '9464' }).relay.port).to.equal(9464);
    expect(loadConfig({ RELAY_PORT: '0' }).relay.port).to.equal(0);
    expect(loadConfig({}).relay).to.not.have.property('port');
  });

  it('defaults the topic, partitions, client id and CloudEvents source once KAFKA_BROKERS is set', () => {
    expect(loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }).kafka).to.deep.equal({
      brokers: ['127.0.0.1:9092'],
      clientId: 'campaign-service',
      topic: 'campaign-events',
      topicPartitions: 3,
      topicReplicationFactor: undefined,
      topicMinInsyncReplicas: undefined,
      eventSource: '/campaign-service',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      KAFKA_CLIENT_ID: 'campaigns-eu',
      KAFKA_TOPIC: 'engagement.campaign-events',
      KAFKA_TOPIC_PARTITIONS: '12',
      KAFKA_TOPIC_REPLICATION_FACTOR: '5',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '3',
      CLOUDEVENTS_SOURCE: 'urn:example:campaigns',
      OUTBOX_RELAY: 'off',
      OUTBOX_POLL_INTERVAL_MS: '250',
      OUTBOX_BATCH_SIZE: '1000',
      OUTBOX_PUBLISH_STALL_MS: '5000',
    });
    expect(config.kafka).to.deep.equal({
      brokers: ['kafka-1:9092', 'kafka-2:9092'],
      clientId: 'campaigns-eu',
      topic: 'engagement.campaign-events',
      topicPartitions: 12,
      topicReplicationFactor: 5,
      topicMinInsyncReplicas: 3,
      eventSource: 'urn:example:campaigns',
    });
    expect(config.relay).to.deep.equal({ enabled: false, pollIntervalMs: 250, batchSize: 1000, publishStallMs: 5000 });
  });

  it('refuses an IPv6 broker address, which the Kafka client cannot read, and says to name the broker by a host name', () => {
    for (const brokers of ['[::1]:9092', '::1:9092', 'kafka-1:9092,[2001:db8::7]:9093']) {
      const [problem] = configProblems({ KAFKA_BROKERS: brokers });
      expect(problem, brokers).to.match(/^KAFKA_BROKERS must be a comma-separated list of host:port/);
      expect(problem, brokers).to.include('name an IPv6 broker by a host name');
    }
  });

  it('names the variable that is wrong', () => {
    expect(configProblems({ KAFKA_BROKERS: 'localhost' })[0]).to.match(
      /^KAFKA_BROKERS must be a comma-separated list of host:port/,
    );
    expect(configProblems({ KAFKA_TOPIC: 'campaign events' })[0]).to.match(/^KAFKA_TOPIC must be a Kafka topic name/);
    expect(configProblems({ KAFKA_TOPIC_PARTITIONS: '0' })[0]).to.match(/^KAFKA_TOPIC_PARTITIONS /);
    expect(configProblems({ CLOUDEVENTS_SOURCE: 'campaign service' })[0]).to.match(/^CLOUDEVENTS_SOURCE /);
    expect(configProblems({ OUTBOX_RELAY: 'maybe' })[0]).to.match(/^OUTBOX_RELAY /);
    expect(configProblems({ RELAY_PORT: '65536' })[0]).to.match(/^RELAY_PORT /);
    expect(configProblems({ RELAY_PORT: 'http' })[0]).to.match(/^RELAY_PORT /);
    expect(configProblems({ OUTBOX_POLL_INTERVAL_MS: '5' })[0]).to.match(/^OUTBOX_POLL_INTERVAL_MS /);
    expect(configProblems({ OUTBOX_BATCH_SIZE: '100000' })[0]).to.match(/^OUTBOX_BATCH_SIZE /);
    expect(configProblems({ KAFKA_TOPIC_REPLICATION_FACTOR: '0' })[0]).to.match(/^KAFKA_TOPIC_REPLICATION_FACTOR /);
    expect(configProblems({ KAFKA_TOPIC_MIN_INSYNC_REPLICAS: 'two' })[0]).to.match(/^KAFKA_TOPIC_MIN_INSYNC_REPLICAS /);
    expect(configProblems({ OUTBOX_PUBLISH_STALL_MS: '10' })[0]).to.match(/^OUTBOX_PUBLISH_STALL_MS /);
  });

  it('refuses a min.insync.replicas above the replication factor, which no write could ever meet', () => {
    const problems = configProblems({
      KAFKA_BROKERS: '127.0.0.1:9092',
      KAFKA_TOPIC_REPLICATION_FACTOR: '2',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '3',
    });
    expect(problems[0]).to.match(
      /^KAFKA_TOPIC_MIN_INSYNC_REPLICAS \(3\) must not exceed KAFKA_TOPIC_REPLICATION_FACTOR \(2\)/,
    );
  });
});
