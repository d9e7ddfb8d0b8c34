import type { Knex } from 'knex';

/**
 * A list of some statuses in id order (the original's list, and the service's default) or in `newest` order (the
 * console's) read along an index that leads with the status: each status is one range of it, already in the order.
 * Without them the database read every campaign of the statuses and sorted them for every page, the first one too;
 * on SQLite, on the event loop. A start, a pause or a resume moves the campaign's entry in each (its status changes):
 * about 6% of the SQLite start path's throughput each. `nextStart` with a status is migration 016's: an index of its
 * own beside these would have cost a start more than both (docs/performance.md).
 */
export const statusLeadingOrders: Knex.Migration = {
  async up(db) {
    await db.raw('CREATE INDEX campaigns_status_id ON campaigns (status, id)');
    await db.raw('CREATE INDEX campaigns_status_created_at_id ON campaigns (status, created_at, id)');
  },
  async down(db) {
    await db.raw('DROP INDEX campaigns_status_created_at_id');
    await db.raw('DROP INDEX campaigns_status_id');
  },
};
