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

/**
 * Ranges are counted again in groups (`campaign_bucket_groups`): a group of level 1 is 1,024 consecutive ranges (about
 * 17 minutes of creation), a group of level 2 is 1,024 groups of level 1 (about 12 days). Whatever the ids, there
 * are at most a few thousand groups of level 2 (ranges number below 2^32), and a group never holds more than 1,024
 * of the level below it, so a list reads a bounded number of counts however many ranges the store's history filled.
 */
export const GROUP_FANOUT = 1024;
export const GROUP_LEVELS = [1, 2] as const;
export type GroupLevel = (typeof GROUP_LEVELS)[number];

/** The group of `level` holding the range `bucket` (an SQL expression). */
export const GROUP_OF = (level: GroupLevel, bucket: string): string => `(${bucket}) / ${GROUP_FANOUT ** level}`;
