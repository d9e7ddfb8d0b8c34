import type { Knex } from 'knex';

/**
 * `outbox_waiting`: the sequence and campaign of each unpublished outbox row, kept by triggers on the outbox, for the
 * relay's reads on PostgreSQL (see waitingInSequenceOrder). A mark is not a HOT update (`published_at` is indexed), so
 * each left its row's old entry under the null of `outbox_unpublished` until a VACUUM of the outbox removed it, and
 * every read from the oldest waiting event stepped over them: autovacuum takes the outbox once a fifth of its rows are
 * dead, hours of marks for an outbox that keeps days of events. The table of waiting rows stays small, so autovacuum
 * takes it at every `autovacuum_naptime`, and a read of it steps over a minute of marks at most.
 *
 * A row inserted unpublished waits; `published_at` set, or the row deleted, it no longer does; set back to null, it
 * waits again. Its index by campaign serves the relay's check for rows committed late, in place of the outbox's partial
 * index of unpublished rows by campaign (migration 009), which goes. PostgreSQL only: SQLite leaves no old entries
 * behind (docs/performance.md).
 */
export const outboxWaiting: Knex.Migration = {
  async up(db) {
    if (db.client.config.client !== 'pg') return;
    // Writers of the outbox wait from here until the triggers exist: a row committed between the copy and its
    // triggers would never wait.
    await db.raw('LOCK TABLE outbox IN SHARE ROW EXCLUSIVE MODE');
    await db.raw('CREATE TABLE outbox_waiting (sequence bigint PRIMARY KEY, aggregate_id bigint NOT NULL)');
    await db.raw('CREATE INDEX outbox_waiting_aggregate ON outbox_waiting (aggregate_id, sequence)');
    await db.raw(`INSERT INTO outbox_waiting (sequence, aggregate_id)
      SELECT sequence, aggregate_id FROM outbox WHERE published_at IS NULL`);
    await db.raw(`CREATE FUNCTION outbox_row_waits() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        INSERT INTO outbox_waiting (sequence, aggregate_id) VALUES (NEW.sequence, NEW.aggregate_id);
        RETURN NULL;
      END $$`);
    await db.raw(`CREATE FUNCTION outbox_row_waits_no_more() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        DELETE FROM outbox_waiting WHERE sequence = OLD.sequence;
        RETURN NULL;
      END $$`);
    // Once per statement: a mark sets a whole batch's rows at once, and a call per row cost it about 5 µs a row,
    // against 1.3 µs (docs/performance.md).
    await db.raw(`CREATE FUNCTION outbox_rows_marked() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        DELETE FROM outbox_waiting USING marked_old, marked_new
          WHERE marked_old.sequence = marked_new.sequence AND outbox_waiting.sequence = marked_new.sequence
            AND marked_old.published_at IS NULL AND marked_new.published_at IS NOT NULL;
        INSERT INTO outbox_waiting (sequence, aggregate_id)
          SELECT marked_new.sequence, marked_new.aggregate_id FROM marked_old JOIN marked_new USING (sequence)
          WHERE marked_old.published_at IS NOT NULL AND marked_new.published_at IS NULL;
        RETURN NULL;
      END $$`);
    await db.raw(`CREATE FUNCTION outbox_emptied() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        DELETE FROM outbox_waiting;
        RETURN NULL;
      END $$`);
    await db.raw(`CREATE TRIGGER outbox_inserted_waiting AFTER INSERT ON outbox
      FOR EACH ROW WHEN (NEW.published_at IS NULL) EXECUTE FUNCTION outbox_row_waits()`);
    // Transition tables take no column list: every UPDATE of the outbox (only marks and resets of `published_at`).
    await db.raw(`CREATE TRIGGER outbox_marked AFTER UPDATE ON outbox
      REFERENCING OLD TABLE AS marked_old NEW TABLE AS marked_new FOR EACH STATEMENT EXECUTE FUNCTION outbox_rows_marked()`);
    await db.raw(`CREATE TRIGGER outbox_deleted_waiting AFTER DELETE ON outbox
      FOR EACH ROW WHEN (OLD.published_at IS NULL) EXECUTE FUNCTION outbox_row_waits_no_more()`);
    await db.raw(`CREATE TRIGGER outbox_truncated AFTER TRUNCATE ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_emptied()`);
    await db.raw('DROP INDEX IF EXISTS outbox_unpublished_aggregate');
  },
  async down(db) {
    if (db.client.config.client !== 'pg') return;
    await db.raw(
      'CREATE INDEX IF NOT EXISTS outbox_unpublished_aggregate ON outbox (aggregate_id, sequence) WHERE published_at IS NULL',
    );
    for (const trigger of ['outbox_inserted_waiting', 'outbox_marked', 'outbox_deleted_waiting', 'outbox_truncated']) {
      await db.raw(`DROP TRIGGER IF EXISTS ${trigger} ON outbox`);
    }
    for (const fn of ['outbox_row_waits', 'outbox_row_waits_no_more', 'outbox_rows_marked', 'outbox_emptied']) {
      await db.raw(`DROP FUNCTION IF EXISTS ${fn}()`);
    }
    await db.raw('DROP TABLE IF EXISTS outbox_waiting');
  },
};
