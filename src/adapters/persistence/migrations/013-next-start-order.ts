import type { Knex } from 'knex';

/**
 * The list in `nextStart` order (campaigns with a start date first, soonest first, then by id) and in `newest` order
 * (by creation, then id) read along an index that holds the whole order, rather than sorted for every page: on
 * 200,000 campaigns a deep page in `nextStart` order sorted all of them, on SQLite on the event loop. The first index
 * is on the ORDER BY's own expressions, which both databases match; the second replaces the one on `created_at`
 * alone. A start touches neither: it changes the status, not the start date or the creation.
 */
export const nextStartOrder: Knex.Migration = {
  async up(db) {
    await db.raw('CREATE INDEX campaigns_next_start ON campaigns ((start_at IS NULL), start_at, id)');
    await db.raw('CREATE INDEX campaigns_created_at_id ON campaigns (created_at, id)');
    await db.raw('DROP INDEX campaigns_created_at');
  },
  async down(db) {
    await db.raw('CREATE INDEX campaigns_created_at ON campaigns (created_at)');
    await db.raw('DROP INDEX campaigns_created_at_id');
    await db.raw('DROP INDEX campaigns_next_start');
  },
};
