import * as fc from 'fast-check';
import { loadConfig, type ServiceConfig } from '../../src/adapters/config/config.js';
import { configProblems } from '../support/config-problems.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

const RUNS = 300;
const KAFKA = { KAFKA_BROKERS: '127.0.0.1:9092' };

/** Every setting that is a number: its bounds, its value when unset, and where the configuration keeps it. */
interface NumericSetting {
  name: string;
  min: number;
  max: number;
  unset: number | undefined;
  read: (config: ServiceConfig) => number | undefined;
}

const SETTINGS: readonly NumericSetting[] = [
  { name: 'PORT', min: 0, max: 65_535, unset: 8080, read: (c) => c.port },
  { name: 'AUTH_CLOCK_TOLERANCE_SECONDS', min: 0, max: 300, unset: 5, read: (c) => c.clockToleranceSeconds },
  { name: 'IDEMPOTENCY_RETENTION_HOURS', min: 24, max: 2160, unset: 24, read: (c) => c.idempotencyRetentionHours },
  { name: 'OUTBOX_RETENTION_HOURS', min: 1, max: 87_600, unset: 168, read: (c) => c.outboxRetentionHours },
  { name: 'KAFKA_TOPIC_PARTITIONS', min: 1, max: 10_000, unset: 3, read: (c) => c.kafka?.topicPartitions },
  {
    name: 'KAFKA_TOPIC_REPLICATION_FACTOR',
    min: 1,
    max: 32,
    unset: undefined,
    read: (c) => c.kafka?.topicReplicationFactor,
  },
  {
    name: 'KAFKA_TOPIC_MIN_INSYNC_REPLICAS',
    min: 1,
    max: 32,
    unset: undefined,
    read: (c) => c.kafka?.topicMinInsyncReplicas,
  },
  { name: 'OUTBOX_POLL_INTERVAL_MS', min: 10, max: 3_600_000, unset: 1000, read: (c) => c.relay.pollIntervalMs },
  { name: 'OUTBOX_BATCH_SIZE', min: 1, max: 10_000, unset: 500, read: (c) => c.relay.batchSize },
  { name: 'OUTBOX_PUBLISH_STALL_MS', min: 100, max: 600_000, unset: 3000, read: (c) => c.relay.publishStallMs },
  { name: 'SCHEDULER_INTERVAL_MS', min: 10, max: 3_600_000, unset: 1000, read: (c) => c.scheduler.intervalMs },
  { name: 'SHUTDOWN_TIMEOUT_MS', min: 100, max: 600_000, unset: 10_000, read: (c) => c.shutdownTimeoutMs },
  {
    name: 'DATABASE_ANSWER_TIMEOUT_MS',
    min: 100,
    max: 600_000,
    unset: 10_000,
    read: (c) => c.databaseAnswerTimeoutMs,
  },
  {
    name: 'HTTP_HEADERS_TIMEOUT_MS',
    min: 100,
    max: 600_000,
    unset: 10_000,
    read: (c) => c.connectionTimeouts.headersTimeoutMs,
  },
  {
    name: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    min: 1100,
    max: 3_600_000,
    unset: 65_000,
    read: (c) => c.connectionTimeouts.keepAliveTimeoutMs,
  },
];

const setting = fc.constantFrom(...SETTINGS);
const blank = fc.constantFrom('', ' ', '   ', '\t', ' \n ');

/** Text that reads as a number to JavaScript, or to a person, but is not a whole decimal number. */
const notAWholeNumber = fc.oneof(
  fc.integer({ min: 1, max: 65_535 }).map((n) => `0x${n.toString(16)}`),
  fc.integer({ min: 1, max: 65_535 }).map((n) => `0o${n.toString(8)}`),
  fc.integer({ min: 1, max: 65_535 }).map((n) => `0b${n.toString(2)}`),
  fc.integer({ min: 1, max: 60 }).map((n) => `${n}e3`),
  fc.integer({ min: 1, max: 65_535 }).map((n) => `${n}.0`),
  fc.integer({ min: 1, max: 65_535 }).map((n) => `${n}.5`),
  fc.integer({ min: 1, max: 65_535 }).map((n) => `+${n}`),
  fc.integer({ min: 1, max: 65_535 }).map((n) => `-${n}`),
  fc.integer({ min: 1, max: 65_535 }).map((n) => `${n}ms`),
  fc.integer({ min: 1000, max: 65_535 }).map((n) => `${n.toLocaleString('en-US')}0`),
  fc.integer({ min: 1000, max: 65_535 }).map((n) => `${String(n).slice(0, 1)}_${String(n).slice(1)}`),
  fc.constantFrom('Infinity', 'NaN', 'ten', 'on', 'true', '1 000'),
);

function envWith(name: string, value: string): Record<string, string> {
  return { ...KAFKA, [name]: value };
}

describe('Numeric settings', () => {
  it('take a whole decimal number within their bounds, surrounding blanks aside', () => {
    fc.assert(
      fc.property(
        setting.chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: s.min, max: s.max }))),
        fc.constantFrom('', ' '),
        ([s, value], pad) => {
          const config = loadConfig(envWith(s.name, `${pad}${value}${pad}`));
          expect(s.read(config)).to.equal(value);
        },
      ),
      propertyParameters(RUNS),
    );
  });

  it('read an empty or blank value as unset, never as 0', () => {
    fc.assert(
      fc.property(setting, blank, (s, value) => {
        expect(s.read(loadConfig(envWith(s.name, value)))).to.equal(s.unset);
      }),
      propertyParameters(RUNS),
    );
  });

  it('refuse anything but a whole decimal number, naming the variable and its bounds', () => {
    fc.assert(
      fc.property(setting, notAWholeNumber, (s, value) => {
        const problems = configProblems(envWith(s.name, value));
        expect(problems, `${s.name}=${value}`).to.have.length(1);
        expect(problems[0]).to.equal(`${s.name} must be a whole number from ${s.min} to ${s.max}`);
      }),
      propertyParameters(RUNS),
    );
  });

  it('refuse a number outside their bounds, naming the variable and its bounds', () => {
    fc.assert(
      fc.property(
        setting.chain((s) =>
          fc.tuple(
            fc.constant(s),
            s.min === 0
              ? fc.integer({ min: s.max + 1, max: s.max * 10 + 10 })
              : fc.oneof(fc.integer({ min: s.max + 1, max: s.max * 10 + 10 }), fc.integer({ min: 0, max: s.min - 1 })),
          ),
        ),
        ([s, value]) => {
          expect(configProblems(envWith(s.name, String(value)))).to.deep.equal([
            `${s.name} must be a whole number from ${s.min} to ${s.max}`,
          ]);
        },
      ),
      propertyParameters(RUNS),
    );
  });
});
