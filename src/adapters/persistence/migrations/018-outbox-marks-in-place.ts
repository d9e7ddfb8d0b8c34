import type { Knex } from 'knex';

/**
 * On PostgreSQL the relay's mark becomes a HOT update: `published_at` leaves the outbox's indexes, so a marked row's
 * new version stays on its page without a new entry in any index, and its old version is pruned when the page is
 * read again. Before, every mark added an entry to each of the outbox's four indexes and left the old one dead, and
 * once those filled 2% of its pages a VACUUM of the outbox scanned each index whole to remove them: longer with every
 * event the outbox keeps (docs/performance.md). The outbox's pages are filled to 90% (`fillfactor`), so a mark finds
 * room beside its row: filled whole, up to a sixth of a soak's marks in a minute were not HOT (the most in the minutes
 * of a VACUUM of the outbox), against under 1% at 90%.
 *
 * The janitor, which found the oldest published rows along `outbox_unpublished (published_at, sequence)`, walks
 * `outbox_created (created_at, sequence)` instead: a row is published after it was written, so a row published
 * before the cutoff was written before it. The relay reads the waiting rows from `outbox_waiting` (migration 017).
 * SQLite keeps `outbox_unpublished`: its relay reads the waiting rows along it, and SQLite has no HOT updates.
 */
export const outboxMarksInPlace: Knex.Migration = {
  async up(db) {
    if (db.client.config.client !== 'pg') return;
    await db.raw('CREATE INDEX outbox_created ON outbox (created_at, sequence)');
    await db.raw('DROP INDEX outbox_unpublished');
    await db.raw('ALTER TABLE outbox SET (fillfactor = 90)');
  },
  async down(db) {
    if (db.client.config.client !== 'pg') return;
    await db.raw('CREATE INDEX outbox_unpublished ON outbox (published_at, sequence)');
    await db.raw('DROP INDEX outbox_created');
    await db.raw('ALTER TABLE outbox RESET (fillfactor)');
  },
};
