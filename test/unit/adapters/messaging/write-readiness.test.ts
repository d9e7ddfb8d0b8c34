import fc from 'fast-check';
import type { Admin, Kafka, PartitionMetadata } from 'kafkajs';
import { isWritable, WriteReadiness } from '../../../../src/adapters/messaging/write-readiness.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const partition = (partitionId: number, leader: number, isr: number[]): PartitionMetadata =>
  ({ partitionId, leader, isr, replicas: [1, 2, 3], offlineReplicas: [], partitionErrorCode: 0 }) as PartitionMetadata;

/** Cluster metadata in memory that a test changes while the watch reads it. */
class FakeMetadata {
  liveBrokers = [1, 2, 3];
  partitions = [partition(0, 1, [1, 2, 3]), partition(1, 2, [1, 2, 3]), partition(2, 3, [1, 2, 3])];
  reads = 0;

  kafka(): Pick<Kafka, 'admin'> {
    return {
      admin: () =>
        ({
          connect: async () => undefined,
          disconnect: async () => undefined,
          describeCluster: async () => ({ brokers: this.liveBrokers.map((nodeId) => ({ nodeId })) }),
          fetchTopicMetadata: async () => {
            this.reads++;
            return { topics: [{ name: 'campaign-events', partitions: this.partitions }] };
          },
        }) as unknown as Admin,
    };
  }
}

describe('Watching whether the topic takes writes again', () => {
  let metadata: FakeMetadata;
  let watch: WriteReadiness;
  const never = new AbortController().signal;

  beforeEach(() => {
    metadata = new FakeMetadata();
    watch = new WriteReadiness(metadata.kafka(), 'campaign-events', 5);
  });
  afterEach(() => watch.close());

  it('doubts metadata that shows the topic writable without a change: a dead broker leads its partitions until it is fenced', async () => {
    const started = Date.now();
    expect(await watch.whenWritable(2, 150, never), 'writable').to.equal(false);
    expect(Date.now() - started).to.be.at.least(140);
    expect(metadata.reads).to.be.above(3);
  });

  it('takes unchanged metadata at its word once it showed the topic writable for the doubt period', async () => {
    const believing = new WriteReadiness(metadata.kafka(), 'campaign-events', 5, 60);
    try {
      const started = Date.now();
      expect(await believing.whenWritable(2, 5_000, never), 'writable').to.equal(true);
      expect(Date.now() - started).to.be.within(55, 1_000);
    } finally {
      await believing.close();
    }
  });

  it('answers as soon as a partition moved to a live leader with enough replicas in sync', async () => {
    setTimeout(() => {
      metadata.liveBrokers = [2, 3];
      metadata.partitions[0] = partition(0, 2, [2, 3]);
    }, 30);
    const started = Date.now();
    expect(await watch.whenWritable(2, 5_000, never), 'writable').to.equal(true);
    expect(Date.now() - started).to.be.below(1_000);
  });

  it('answers as soon as the topic is writable after it was not', async () => {
    metadata.partitions[1] = partition(1, 2, [2]);
    setTimeout(() => (metadata.partitions[1] = partition(1, 2, [2, 3])), 30);
    const started = Date.now();
    expect(await watch.whenWritable(2, 5_000, never), 'writable').to.equal(true);
    expect(Date.now() - started).to.be.below(1_000);
  });

  it('stops watching when abandoned', async () => {
    const abandon = new AbortController();
    setTimeout(() => abandon.abort(), 20);
    const started = Date.now();
    expect(await watch.whenWritable(2, 5_000, abandon.signal), 'writable').to.equal(false);
    expect(Date.now() - started).to.be.below(1_000);
  });
});

describe('Watching whether the topic takes writes again while the wall clock steps', () => {
  const realNow = Date.now;
  afterEach(() => {
    Date.now = realNow;
  });

  it('keeps its deadline and its doubt period, whichever way and however far the system clock steps', async () => {
    const DAY_MS = 86_400_000;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -30 * DAY_MS, max: 30 * DAY_MS }).filter((step) => Math.abs(step) >= 1_000),
        fc.integer({ min: 0, max: 4 }),
        async (step, afterReads) => {
          const metadata = new FakeMetadata();
          Date.now = () => realNow() + (metadata.reads > afterReads ? step : 0);
          const abandon = new AbortController();
          const guard = setTimeout(() => abandon.abort(), 3_000);
          const doubting = new WriteReadiness(metadata.kafka(), 'campaign-events', 5);
          const believing = new WriteReadiness(metadata.kafka(), 'campaign-events', 5, 60);
          try {
            let started = performance.now();
            expect(await doubting.whenWritable(2, 150, abandon.signal), 'unchanged metadata').to.equal(false);
            expect(performance.now() - started, 'the deadline').to.be.within(140, 1_000);
            started = performance.now();
            expect(await believing.whenWritable(2, 5_000, abandon.signal), 'believed').to.equal(true);
            expect(performance.now() - started, 'the doubt period').to.be.within(55, 1_000);
          } finally {
            clearTimeout(guard);
            Date.now = realNow;
            await Promise.all([doubting.close(), believing.close()]);
          }
        },
      ),
      propertyParameters(12),
    );
  });
});

describe('A writable partition', () => {
  it('has a leader the cluster lists as live and at least min.insync.replicas replicas in sync', () => {
    const live = new Set([1, 2]);
    expect(isWritable(partition(0, 1, [1, 2]), live, 2)).to.equal(true);
    expect(isWritable(partition(0, 3, [1, 2, 3]), live, 2), 'leader fenced').to.equal(false);
    expect(isWritable(partition(0, -1, [1, 2]), live, 2), 'no leader').to.equal(false);
    expect(isWritable(partition(0, 1, [1]), live, 2), 'too few in sync').to.equal(false);
  });
});
