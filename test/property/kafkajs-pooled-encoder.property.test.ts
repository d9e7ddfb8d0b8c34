import { createRequire } from 'node:module';
import * as fc from 'fast-check';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

// kafkajs's own modules, as installed (scripts/kafkajs-pooled-encoder.mjs changes how its encoder allocates).
const kafkajs = createRequire(import.meta.url);
type Encoded = { buffer: Buffer; buf: Buffer };
type Message = { key: Buffer | null; value: Buffer; headers: Record<string, string>; timestamp: number };
const Encoder: new () => Encoded = kafkajs('kafkajs/src/protocol/encoder.js');
const Decoder: new (buffer: Buffer) => unknown = kafkajs('kafkajs/src/protocol/decoder.js');
const produceRequest: (request: object) => { encode(): Promise<Encoded> } = kafkajs(
  'kafkajs/src/protocol/requests/produce/v7/request.js',
);
const decodeRecordBatch: (decoder: unknown) => Promise<{ records: DecodedRecord[] }> = kafkajs(
  'kafkajs/src/protocol/recordBatch/v0/decoder.js',
);
const crc32C: (buffer: Buffer) => number = kafkajs('kafkajs/src/protocol/recordBatch/crc32C/index.js');
type DecodedRecord = { key: Buffer | null; value: Buffer; headers: Record<string, Buffer>; timestamp: string };

const message: fc.Arbitrary<Message> = fc.record({
  key: fc.option(
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
    { nil: null },
  ),
  value: fc.uint8Array({ maxLength: 3_000 }).map((bytes) => Buffer.from(bytes)),
  // kafkajs's decoder reads a header named like a property of every object (valueOf) as repeated; not sent here.
  headers: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 20 }).filter((name) => !(name in {})),
    fc.string({ maxLength: 60 }),
    { maxKeys: 10 },
  ),
  timestamp: fc.integer({ min: 1_500_000_000_000, max: 2_500_000_000_000 }),
});
const partitions = fc.array(fc.array(message, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 3 });

/** A produce request as the relay's producer sends it: idempotent, acks -1, one topic. */
function produce(batches: Message[][]) {
  return produceRequest({
    acks: -1,
    timeout: 30_000,
    producerId: 7,
    producerEpoch: 0,
    compression: 0,
    topicData: [
      {
        topic: 'campaign-events',
        partitions: batches.map((messages, partition) => ({ partition, firstSequence: 0, messages })),
      },
    ],
  });
}

/** Encodes with every buffer node's pool hands out already full of `fill`, as reused memory may be. */
async function encodedOver(fill: number, batches: Message[][]): Promise<Buffer> {
  const allocUnsafe = Buffer.allocUnsafe;
  Buffer.allocUnsafe = (size: number) => Buffer.alloc(size, fill);
  try {
    return Buffer.from((await produce(batches).encode()).buffer);
  } finally {
    Buffer.allocUnsafe = allocUnsafe;
  }
}

/** The record batches of an encoded produce request v7, in order, each with its stored and its computed CRC. */
function recordBatchesOf(request: Buffer): { bytes: Buffer; storedCrc: number; crc: number }[] {
  let at = 2 + 2 + 4; // no transactional id (-1), acks, timeout
  at += 4; // one topic
  at += 2 + request.readInt16BE(at);
  const count = request.readInt32BE(at);
  at += 4;
  const batches = [];
  for (let i = 0; i < count; i++) {
    at += 4; // the partition
    const size = request.readInt32BE(at);
    const bytes = request.subarray(at + 4, at + 4 + size);
    // firstOffset (8), length (4), partitionLeaderEpoch (4), magic (1), then the CRC of everything after it.
    batches.push({ bytes, storedCrc: bytes.readUInt32BE(17), crc: crc32C(bytes.subarray(21)) });
    at += 4 + size;
  }
  return batches;
}

describe("kafkajs's encoder, as the project installs it", () => {
  it("takes a record's buffer from node's pool instead of zero-filling a new one", () => {
    const { buf } = new Encoder();
    expect(buf.buffer.byteLength).to.be.greaterThan(buf.length);
  });

  it('encodes every produce request to the same bytes whatever the memory it is given held before', async () => {
    await fc.assert(
      fc.asyncProperty(partitions, async (batches) => {
        expect((await encodedOver(0xff, batches)).equals(await encodedOver(0x00, batches))).to.equal(true);
      }),
      propertyParameters(100),
    );
  });

  it('encodes record batches whose CRC holds and which decode to the messages sent, in order', async () => {
    await fc.assert(
      fc.asyncProperty(partitions, async (sent) => {
        const batches = recordBatchesOf(await encodedOver(0xa5, sent));
        expect(batches).to.have.length(sent.length);
        for (const [partition, batch] of batches.entries()) {
          expect(batch.storedCrc).to.equal(batch.crc);
          const { records } = await decodeRecordBatch(new Decoder(batch.bytes));
          expect(
            records.map((record) => ({
              key: record.key,
              value: record.value,
              timestamp: Number(record.timestamp),
              headers: Object.fromEntries(
                Object.entries(record.headers).map(([name, value]) => [name, value.toString('utf8')]),
              ),
            })),
          ).to.deep.equal(sent[partition]);
        }
      }),
      propertyParameters(100),
    );
  });
});
