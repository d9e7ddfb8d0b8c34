import { CONTENT_LIMITS } from '../domain/index.js';
import { PageTooLarge } from './application-errors.js';

/**
 * The most stored bytes one page of a list answers (campaigns' content and descriptions, events' payloads): a
 * page of 500 campaigns at the content limit would be 250 MB to read, build and send while every other request
 * waits. A page that holds more is refused, naming how many of its rows fit.
 */
export const PAGE_BYTES_BUDGET = 8 * 1024 * 1024;

/** What one row may hold at most: the content limit, and room for the rest of a campaign or event around it. */
const LARGEST_ROW_BYTES = CONTENT_LIMITS.totalBytes + 64 * 1024;

/** Only a page whose rows could hold more than the budget is measured before it is read. */
export function mayExceedPageBudget(limit: number): boolean {
  return limit * LARGEST_ROW_BYTES > PAGE_BYTES_BUDGET;
}

/** Refuses a page whose rows (their stored bytes, in page order) hold more than the budget. */
export function refuseOverBudget(rowBytes: readonly number[], what: { rows: string; offset: number }): void {
  let total = 0;
  for (let fit = 0; fit < rowBytes.length; fit++) {
    total += rowBytes[fit]!;
    if (total > PAGE_BYTES_BUDGET) {
      const fits = Math.max(fit, 1);
      throw new PageTooLarge(
        `The ${rowBytes.length} ${what.rows} from start=${what.offset} hold more than a page answers (${PAGE_BYTES_BUDGET / 1024 / 1024} MiB); ask for pageSize=${fits} or fewer`,
        fits,
      );
    }
  }
}
