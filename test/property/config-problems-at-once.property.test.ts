import * as fc from 'fast-check';
import { configProblems } from '../support/config-problems.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

/** A wrong setting, or settings wrong together, and the start of the one problem each is reported as. */
interface Fault {
  env: Record<string, string>;
  problem: string;
}

const SECRET = 's'.repeat(32);
const BROKERS = { KAFKA_BROKERS: '127.0.0.1:9092' };

/**
 * Faults that share no variable, so any of them can be made at once: each kind is a group of faults on the same
 * variables, of which one at most is drawn.
 */
const FAULT_KINDS: Record<string, readonly Fault[]> = {
  port: [
    { env: { PORT: 'eighty' }, problem: 'PORT must' },
    { env: { PORT: '65536' }, problem: 'PORT must' },
  ],
  basePath: [{ env: { BASE_PATH: 'vpns/' }, problem: 'BASE_PATH must' }],
  logLevel: [{ env: { LOG_LEVEL: 'loud' }, problem: 'LOG_LEVEL must' }],
  cors: [{ env: { CORS_ORIGINS: 'app.example.com' }, problem: 'CORS_ORIGINS must' }],
  tracing: [{ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector' }, problem: 'OTEL_EXPORTER_OTLP_ENDPOINT must' }],
  database: [
    { env: { DATABASE_URL: 'mysql://db/campaigns' }, problem: 'DATABASE_URL must' },
    { env: { DATABASE_URL: 'sqlite::memory:' }, problem: 'DATABASE_URL names an in-memory' },
  ],
  auth: [
    { env: { NODE_ENV: 'production' }, problem: 'AUTH_JWT_SECRET or AUTH_JWKS_URL is required' },
    { env: { AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: 'https://id.example.test/keys' }, problem: 'AUTH_JWT_SECRET and' },
    { env: { AUTH_JWT_SECRET: 'short' }, problem: 'AUTH_JWT_SECRET must' },
  ],
  kafkaTopic: [{ env: { ...BROKERS, KAFKA_TOPIC: 'campaign events' }, problem: 'KAFKA_TOPIC must' }],
  kafkaReplicas: [
    {
      env: { ...BROKERS, KAFKA_TOPIC_REPLICATION_FACTOR: '1', KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2' },
      problem: 'KAFKA_TOPIC_MIN_INSYNC_REPLICAS (2) must not exceed',
    },
  ],
  kafkaCertificate: [
    { env: { ...BROKERS, KAFKA_SSL_CERT_FILE: '/nowhere/client.pem' }, problem: 'KAFKA_SSL_CERT_FILE and' },
  ],
  kafkaSasl: [
    { env: { ...BROKERS, KAFKA_SASL_USERNAME: 'app' }, problem: 'KAFKA_SASL_USERNAME and' },
    { env: { ...BROKERS, KAFKA_SASL_MECHANISM: 'plain' }, problem: 'KAFKA_SASL_MECHANISM plain needs' },
  ],
};

const someFaults = fc.record(
  Object.fromEntries(
    Object.entries(FAULT_KINDS).map(([kind, faults]) => [
      kind,
      fc.option(fc.constantFrom(...faults), { nil: undefined }),
    ]),
  ),
  { requiredKeys: [] },
);

describe('The configuration', () => {
  it('names every problem of its settings in one go, each once, whether a variable is wrong alone or with others', () => {
    fc.assert(
      fc.property(someFaults, (drawn) => {
        const faults = Object.values(drawn).filter((fault): fault is Fault => fault !== undefined);
        const env = Object.assign({}, ...faults.map((fault) => fault.env)) as Record<string, string>;
        const problems = configProblems(env);
        for (const fault of faults)
          expect(
            problems.filter((problem) => problem.startsWith(fault.problem)),
            `${fault.problem} in ${JSON.stringify(problems)}`,
          ).to.have.length(1);
        expect(problems).to.have.length(faults.length);
      }),
      propertyParameters(300),
    );
  });
});
