import type { Knex } from 'knex';

/** One campaign's events in the outbox, newest first; campaigns newest first. Both are read by the console. */
export const historyIndexes: Knex.Migration = {
  async up(db) {
    await db.schema.alterTable('outbox', (t) => {
      t.index(['aggregate_id', 'sequence'], 'outbox_aggregate_sequence');
    });
    await db.schema.alterTable('campaigns', (t) => {
      t.index(['created_at'], 'campaigns_created_at');
    });
  },
  async down(db) {
    await db.schema.alterTable('campaigns', (t) => {
      t.dropIndex(['created_at'], 'campaigns_created_at');
    });
    await db.schema.alterTable('outbox', (t) => {
      t.dropIndex(['aggregate_id', 'sequence'], 'outbox_aggregate_sequence');
    });
  },
};
