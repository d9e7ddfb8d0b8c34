import type { Message } from 'kafkajs';

/**
 * The most bytes one send to a partition carries. A send to a partition is one record batch, and a broker refuses
 * a batch over the topic's `max.message.bytes` (1 MiB by default, 1,048,588 bytes) as MESSAGE_TOO_LARGE, for good:
 * kept under it with room for the batch's own header, a send is never refused for its size.
 */
export const RECORD_BATCH_BYTES = 1_000_000;

/** Room a record takes besides its key, value and headers: its length, attributes, deltas and varint lengths. */
const RECORD_OVERHEAD_BYTES = 32;
const HEADER_OVERHEAD_BYTES = 10;

/** At least the bytes the message takes in a record batch (uncompressed). */
export function recordBytes(message: Message): number {
  let bytes = RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name) + byteLength(value as string | Buffer | undefined);
  }
  return bytes;
}

/**
 * The items in order, cut into consecutive runs of at most `limit` bytes each; an item larger than the limit
 * alone makes a run of its own.
 */
export function runsWithin<T>(items: readonly T[], limit: number, bytesOf: (item: T) => number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let runBytes = 0;
  for (const item of items) {
    const bytes = bytesOf(item);
    if (run.length > 0 && runBytes + bytes > limit) {
      runs.push(run);
      run = [];
      runBytes = 0;
    }
    run.push(item);
    runBytes += bytes;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function byteLength(value: string | Buffer | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
