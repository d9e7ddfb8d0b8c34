import type { Knex } from 'knex';

/**
 * A list of some statuses in `nextStart` order read along an index that leads with the status, each status one
 * range of it already in the order, as migration 015 does for the other orders. It takes the place of
 * `(status, start_at)`, which the scheduler's search for due campaigns read: the new one serves that search too (its
 * start bound is written against the index's second key), and a start, a pause or a resume moves one entry of it as
 * they moved one of the old, so the start path writes no more than before. The old one goes first, so that SQLite
 * builds the new one in the pages it freed rather than growing the file by as much.
 */
export const statusNextStartOrder: Knex.Migration = {
  async up(db) {
    await db.raw('DROP INDEX campaigns_status_start_at');
    await db.raw('CREATE INDEX campaigns_status_next_start ON campaigns (status, (start_at IS NULL), start_at, id)');
  },
  async down(db) {
    await db.raw('DROP INDEX campaigns_status_next_start');
    await db.raw('CREATE INDEX campaigns_status_start_at ON campaigns (status, start_at)');
  },
};
