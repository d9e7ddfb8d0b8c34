const SEED = 0x9747b28c;
const M = 0x5bd1e995;
/** Room for a campaign id (at most 19 digits) and more, reused: hashing an ASCII key allocates nothing. */
const scratch = new Uint8Array(64);

/**
 * The partition Kafka's default partitioner (Java's, and kafkajs's) gives a record with this key among
 * `partitions`: murmur2 of the key's UTF-8 bytes, made positive, modulo the partitions. Computed in 32-bit integer
 * arithmetic as Java does, where kafkajs emulates it with 64-bit objects and a buffer per key.
 */
export function partitionOfKey(key: string, partitions: number): number {
  const asciiLength = writeAscii(key);
  const hash = asciiLength >= 0 ? murmur2(scratch, asciiLength) : murmur2(Buffer.from(key, 'utf8'));
  return (hash & 0x7fffffff) % partitions;
}

/** Writes a short ASCII key's bytes (its UTF-8) into the scratch array and answers its length; -1 for any other key. */
function writeAscii(key: string): number {
  if (key.length > scratch.length) return -1;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) return -1;
    scratch[i] = code;
  }
  return key.length;
}

function murmur2(data: Uint8Array, length = data.length): number {
  let h = SEED ^ length;
  for (let i4 = 0; i4 + 4 <= length; i4 += 4) {
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length - tail;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}
