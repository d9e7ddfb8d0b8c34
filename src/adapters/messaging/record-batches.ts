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

/** At least the bytes the message takes in a record batch (uncompressed), its texts counted by `textBytes`. */
export function recordBytes(message: Message, textBytes: (text: string) => number = Buffer.byteLength): number {
  const bytesOf = (value: string | Buffer | null | undefined) =>
    value === null || value === undefined ? 0 : typeof value === 'string' ? textBytes(value) : value.length;
  let bytes = RECORD_OVERHEAD_BYTES + bytesOf(message.key) + bytesOf(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += HEADER_OVERHEAD_BYTES + textBytes(name) + bytesOf(value as string | Buffer | undefined);
  }
  return bytes;
}

/** A UTF-16 code unit is at most 3 bytes of UTF-8: a bound that needs no pass over the text. */
const mostUtf8Bytes = (text: string) => text.length * 3;

/**
 * The items' messages cut into consecutive runs of at most `limit` bytes each (RECORD_BATCH_BYTES unless the topic
 * takes less). Their bytes are counted only
 * when a bound on them all (read from the texts' lengths) does not already fit one run, as a relay's batch does.
 */
export function recordRuns<T>(items: readonly T[], messageOf: (item: T) => Message, limit = RECORD_BATCH_BYTES): T[][] {
  let most = 0;
  for (const item of items) most += recordBytes(messageOf(item), mostUtf8Bytes);
  if (most <= limit) return [[...items]];
  return runsWithin(items, limit, (item) => recordBytes(messageOf(item)));
}

/** A record batch's own header (61 bytes), and room to spare. */
const BATCH_HEADER_BYTES = 128;

/** The most bytes a send may carry to a topic that takes record batches of `maxMessageBytes` at most. */
export function sendLimitFor(maxMessageBytes: number): number {
  return Math.max(1, Math.min(RECORD_BATCH_BYTES, maxMessageBytes - BATCH_HEADER_BYTES));
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
