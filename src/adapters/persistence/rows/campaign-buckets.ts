/**
 * Campaign ids are grouped into ranges for counting: ids below 2^40 (ids a client chose) in ranges of 1,024 ids,
 * larger ones (the service's time-ordered ids: milliseconds << 22) in ranges of 2^32, about a second of creation.
 * Both databases divide integers exactly, and the ranges keep the order of the ids.
 */
const SMALL_LIMIT = 1n << 40n;
const SMALL_RANGE = 1024n;
const LARGE_RANGE = 1n << 32n;
const LARGE_FIRST = SMALL_LIMIT / SMALL_RANGE;

export const BUCKET_OF = (id: string): string =>
  `(CASE WHEN ${id} < ${SMALL_LIMIT} THEN ${id} / ${SMALL_RANGE} ELSE ${LARGE_FIRST} + ${id} / ${LARGE_RANGE} END)`;

/** The smallest id the range `bucket` can hold. */
export function firstIdOf(bucket: bigint): bigint {
  return bucket < LARGE_FIRST ? bucket * SMALL_RANGE : (bucket - LARGE_FIRST) * LARGE_RANGE;
}
