import fc from 'fast-check';
import kafkajs from 'kafkajs';
import { oneLineCause } from '../../../../src/adapters/logging/one-line-cause.js';
import {
  brokerLossRisk,
  compactionRisk,
  messageSizeRisk,
  replicationFor,
  type TopicLayout,
} from '../../../../src/adapters/messaging/kafka-topic.js';
import { recordBytes, recordRuns, sendLimitFor } from '../../../../src/adapters/messaging/record-batches.js';
import { expect } from '../../../support/expect.js';

const { KafkaJSAggregateError, KafkaJSConnectionError, KafkaJSCreateTopicError, KafkaJSNumberOfRetriesExceeded } =
  kafkajs as typeof kafkajs & {
    KafkaJSAggregateError: new (message: string, errors: Error[]) => Error;
    KafkaJSCreateTopicError: new (error: { message: string; type: string; code: number }, topic: string) => Error;
  };

const layout = (replicationFactor: number, minInsyncReplicas: number): TopicLayout => ({
  topic: 'campaign-events',
  created: false,
  partitions: 3,
  replicationFactor,
  minInsyncReplicas,
  maxMessageBytes: 1_048_588,
  cleanupPolicy: 'delete',
  brokers: 3,
  replicasFromLiveBrokers: false,
});

describe('Replication of the topic the service creates', () => {
  it('is 3 replicas with min.insync.replicas 2 by default, fewer replicas on a smaller cluster', () => {
    expect(replicationFor({ topic: 't', partitions: 3 }, 5)).to.deep.equal({
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
    expect(replicationFor({ topic: 't', partitions: 3 }, 2)).to.deep.equal({
      replicationFactor: 2,
      minInsyncReplicas: 1,
    });
    expect(replicationFor({ topic: 't', partitions: 3 }, 1)).to.deep.equal({
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });
  });

  it('takes the configured values as they are', () => {
    expect(replicationFor({ topic: 't', partitions: 3, replicationFactor: 4, minInsyncReplicas: 3 }, 5)).to.deep.equal({
      replicationFactor: 4,
      minInsyncReplicas: 3,
    });
  });

  it('lowers a configured min.insync.replicas to the replication factor a smaller cluster gives', () => {
    expect(replicationFor({ topic: 't', partitions: 3, minInsyncReplicas: 5 }, 1)).to.deep.equal({
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });
    expect(replicationFor({ topic: 't', partitions: 3, minInsyncReplicas: 3 }, 2)).to.deep.equal({
      replicationFactor: 2,
      minInsyncReplicas: 2,
    });
    expect(replicationFor({ topic: 't', partitions: 3, minInsyncReplicas: 2 }, 5)).to.deep.equal({
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
  });

  it('never asks for more in-sync replicas than the topic has, whatever is configured and however large the cluster (generated)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1, max: 32 }), { nil: undefined }),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 50 }),
        (minInsyncReplicas, configuredReplicas, brokers) => {
          // A replication factor is configured only when the configuration check let it through: at least the minimum.
          for (const replicationFactor of [undefined, Math.max(configuredReplicas, minInsyncReplicas ?? 1)]) {
            const chosen = replicationFor({ topic: 't', partitions: 3, replicationFactor, minInsyncReplicas }, brokers);
            expect(chosen.minInsyncReplicas).to.be.within(1, chosen.replicationFactor);
          }
        },
      ),
    );
  });

  it('by default, always survives the loss of one broker when the cluster has at least two', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 50 }), (brokers) => {
        const { replicationFactor, minInsyncReplicas } = replicationFor({ topic: 't', partitions: 3 }, brokers);
        expect(brokerLossRisk(layout(replicationFactor, minInsyncReplicas))).to.equal(undefined);
      }),
    );
  });
});

describe('The risk a topic runs when a broker is lost', () => {
  it('is named for a single replica and for min.insync.replicas equal to the replicas', () => {
    expect(brokerLossRisk(layout(1, 1))).to.match(/^replication factor 1: .*loses acknowledged events/);
    expect(brokerLossRisk(layout(3, 3))).to.match(
      /^min.insync.replicas 3 of 3 replicas: losing any one broker stops publishing/,
    );
  });

  it('is none with 3 replicas and min.insync.replicas 2', () => {
    expect(brokerLossRisk(layout(3, 2))).to.equal(undefined);
  });
});

describe("The risks a topic's retention and size limits run", () => {
  it('names compaction, alone or with deletion, which keeps only the newest event of a campaign', () => {
    expect(compactionRisk({ ...layout(3, 2), cleanupPolicy: 'compact' })).to.match(/newest event of each campaign/);
    expect(compactionRisk({ ...layout(3, 2), cleanupPolicy: 'compact,delete' })).to.be.a('string');
    expect(compactionRisk(layout(3, 2))).to.equal(undefined);
  });

  it('names a max.message.bytes below the largest event the service may write', () => {
    expect(messageSizeRisk({ ...layout(3, 2), maxMessageBytes: 2_000 }, 600_000)).to.match(/max.message.bytes 2000/);
    expect(messageSizeRisk(layout(3, 2), 600_000)).to.equal(undefined);
  });
});

describe("The sends a partition's events are cut into", () => {
  it("each fit the topic's max.message.bytes, but for an event larger than it alone, and keep the events in order (generated)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 3_000 }), { maxLength: 60 }),
        fc.integer({ min: 200, max: 2_000_000 }),
        (values, maxMessageBytes) => {
          const limit = sendLimitFor(maxMessageBytes);
          const message = (value: string) => ({ key: '917216839393574912', value });
          const runs = recordRuns(values, message, limit);
          expect(runs.flat()).to.deep.equal(values);
          for (const run of runs) {
            const bytes = run.reduce((sum, value) => sum + recordBytes(message(value)), 0);
            if (run.length > 1) expect(bytes).to.be.at.most(limit);
            expect(limit).to.be.below(maxMessageBytes);
          }
        },
      ),
    );
  });
});

describe('The cause in an outage log line', () => {
  it('is one line: each error of the chain by name, a message repeated by its wrapper said once, no stack', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    const exhausted = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 3, retryTime: 800 });
    expect(oneLineCause(exhausted)).to.equal(
      'KafkaJSNumberOfRetriesExceeded <- KafkaJSConnectionError: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
    );
  });

  it("says why an error that gathers others failed, by the first it gathers: the broker's reason a topic was not made", () => {
    const refused = new KafkaJSCreateTopicError(
      {
        message: 'Replication factor: 3 larger than available brokers: 1.',
        type: 'INVALID_REPLICATION_FACTOR',
        code: 38,
      },
      'campaign-events',
    );
    expect(oneLineCause(new KafkaJSAggregateError('Topic creation errors', [refused]))).to.equal(
      'KafkaJSAggregateError: Topic creation errors <- KafkaJSCreateTopicError: Replication factor: 3 larger than available brokers: 1.',
    );
    expect(oneLineCause(new AggregateError([new RangeError('out of range')], 'two failed'))).to.equal(
      'AggregateError: two failed <- RangeError: out of range',
    );
  });

  it('never has a line break and never exceeds 300 characters, whatever the errors say', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string(), fc.string({ maxLength: 400 })), { minLength: 1, maxLength: 6 }),
        (links) => {
          let error: Error | undefined;
          for (const [name, message] of links.reverse()) {
            const next: Error = new Error(message, error === undefined ? undefined : { cause: error });
            next.name = name;
            error = next;
          }
          const line = oneLineCause(error);
          expect(line).not.to.match(/[\r\n]/);
          expect(line.length).to.be.at.most(300);
        },
      ),
    );
  });
});
