import type { Knex } from 'knex';

/**
 * The unpublished events of each campaign, for the relay's check that no row committed late below a batch belongs
 * before it (see KnexPendingEvents.leftBehind): its cost stays that of the unpublished rows, where an index of
 * every row made it grow with the published history the outbox keeps. PostgreSQL only: on SQLite rows appear in
 * sequence order and the check never runs, so the index would only slow every write down.
 *
 * Building it holds the outbox's writes for a scan of the table; `IF NOT EXISTS` lets an operator build it
 * beforehand with `CREATE INDEX CONCURRENTLY` instead (CHANGELOG.md).
 */
export const unpublishedByAggregate: Knex.Migration = {
  async up(db) {
    if (db.client.config.client !== 'pg') return;
    await db.raw(
      'CREATE INDEX IF NOT EXISTS outbox_unpublished_aggregate ON outbox (aggregate_id, sequence) WHERE published_at IS NULL',
    );
  },
  async down(db) {
    if (db.client.config.client !== 'pg') return;
    await db.raw('DROP INDEX IF EXISTS outbox_unpublished_aggregate');
  },
};
