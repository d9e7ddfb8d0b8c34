import { GROUP_FANOUT } from '../rows/campaign-buckets.js';

/**
 * One statement that gives the total and the id range holding the campaign at position `?` in id order, with how
 * many campaigns come before that range. It walks down the counts: the groups of level 2 (their running count's
 * last value is the total), then the 1,024 groups of level 1 inside the one holding the position, then the 1,024
 * ranges inside that one. Each step reads a bounded number of rows, however many ranges the store holds. Takes
 * the position six times (`locatePageParameters`).
 */
export const LOCATE_PAGE = `WITH top AS (
    SELECT bucket_group, campaigns, SUM(campaigns) OVER (ORDER BY bucket_group) AS through
    FROM campaign_bucket_groups WHERE level = 2 AND campaigns > 0
  ), top_page AS (${pageOf('top', 'bucket_group')}),
  middle AS (${within('top_page', 'campaign_bucket_groups', 'bucket_group', 1)}),
  middle_page AS (${pageOf('middle', 'bucket_group')}),
  fine AS (${within('middle_page', 'campaign_buckets', 'bucket')})
  SELECT (SELECT COALESCE(MAX(through), 0) FROM top) AS total, page.bucket, page.before
  FROM (SELECT 1 AS one) AS single
  LEFT JOIN (${pageOf('fine', 'bucket')}) AS page ON true`;

/** How many campaigns the store holds, from the counts alone: the groups of level 2, a few rows. */
export const STORED_CAMPAIGNS = `SELECT COALESCE(SUM(campaigns), 0) AS total FROM campaign_bucket_groups WHERE level = 2`;

export const locatePageParameters = (position: number): number[] => Array(6).fill(position);

/**
 * The row of `counts` holding the position, and how many campaigns come before it: the one row whose running count
 * passes the position (counts of zero are left out, so no other row starts before it and ends after it).
 */
function pageOf(counts: string, key: string): string {
  return `SELECT ${key}, through - campaigns AS before FROM ${counts} WHERE through > ? AND through - campaigns <= ?`;
}

/**
 * The counts of `table` (of `level`, for groups) inside the group `parent` found, with their running count from the
 * parent's `before`. The bounds are scalars, so the counts are read through the primary key in its order and not
 * sorted again.
 */
function within(parent: string, table: string, key: string, level?: number): string {
  const ofLevel = level === undefined ? '' : `level = ${level} AND `;
  const first = `(SELECT bucket_group * ${GROUP_FANOUT} FROM ${parent})`;
  return `SELECT ${key}, campaigns,
      (SELECT before FROM ${parent}) + SUM(campaigns) OVER (ORDER BY ${key}) AS through
    FROM ${table}
    WHERE ${ofLevel}${key} BETWEEN ${first} AND ${first} + ${GROUP_FANOUT - 1} AND campaigns > 0`;
}
