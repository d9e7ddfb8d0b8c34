import type { Knex } from 'knex';

/**
 * The unpublished events of each campaign, for the relay's check that no row committed late below a batch belongs
 * before it (see KnexPendingEvents.leftBehind): its cost stays that of the unpublished rows, where an index of
 * every row made it grow with the published history the outbox keeps. PostgreSQL only: on SQLite rows appear in
 * sequence order and the check never runs, so the index would only slow every write down.
 */
export const unpublishedByAggregate: Knex.Migration = {
  async up(db) {
    if (db.client.config.client !== 'pg') return;
    await db.schema.alterTable('outbox', (t) => {
      t.index(['aggregate_id', 'sequence'], 'outbox_unpublished_aggregate', {
        predicate: db.whereNull('published_at'),
      });
    });
  },
  async down(db) {
    if (db.client.config.client !== 'pg') return;
    await db.schema.alterTable('outbox', (t) => {
      t.dropIndex(['aggregate_id', 'sequence'], 'outbox_unpublished_aggregate');
    });
  },
};
