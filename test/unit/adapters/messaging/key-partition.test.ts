import fc from 'fast-check';
import kafkajs from 'kafkajs';
import { partitionOfKey } from '../../../../src/adapters/messaging/key-partition.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const kafkajsPartitioner = kafkajs.Partitioners.DefaultPartitioner();

function kafkajsPartitionOf(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0 }));
  return kafkajsPartitioner({
    topic: 'campaign-events',
    partitionMetadata: partitionMetadata as never,
    message: { key, value: null },
  });
}

const campaignId = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String);
const anyKey = fc.oneof(
  campaignId,
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 60, maxLength: 70 }),
);

describe('The partition of a record key', () => {
  it('is the one the default partitioner of kafkajs and Java gives it, for campaign ids and any other key, any number of partitions (generated)', () => {
    fc.assert(
      fc.property(anyKey, fc.integer({ min: 1, max: 1_000 }), (key, partitions) => {
        expect(partitionOfKey(key, partitions)).to.equal(kafkajsPartitionOf(key, partitions));
      }),
      propertyParameters(5_000),
    );
  });

  it('is the one Kafka’s Java client gives these keys among 3 and 12 partitions', () => {
    // Utils.toPositive(Utils.murmur2(key.getBytes(UTF_8))) % partitions, from kafka-clients 4.4.0.
    const keys = ['1', '9007199254740993', '913681391525380096', '9223372036854775807', 'campaign', '', 'é✓'];
    expect(keys.map((key) => partitionOfKey(key, 3))).to.deep.equal([0, 0, 1, 0, 1, 0, 1]);
    expect(keys.map((key) => partitionOfKey(key, 12))).to.deep.equal([3, 3, 7, 9, 4, 9, 4]);
  });
});
