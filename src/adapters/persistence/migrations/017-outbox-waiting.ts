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
    await db.raw(`CREATE FUNCTION outbox_emptied() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        DELETE FROM outbox_waiting;
        RETURN NULL;
      END $$`);
    await db.raw(`CREATE TRIGGER outbox_inserted_waiting AFTER INSERT ON outbox
      FOR EACH ROW WHEN (NEW.published_at IS NULL) EXECUTE FUNCTION outbox_row_waits()`);
    await db.raw(`CREATE TRIGGER outbox_waiting_again AFTER UPDATE OF published_at ON outbox
      FOR EACH ROW WHEN (OLD.published_at IS NOT NULL AND NEW.published_at IS NULL) EXECUTE FUNCTION outbox_row_waits()`);
    await db.raw(`CREATE TRIGGER outbox_published AFTER UPDATE OF published_at ON outbox
      FOR EACH ROW WHEN (OLD.published_at IS NULL AND NEW.published_at IS NOT NULL) EXECUTE FUNCTION outbox_row_waits_no_more()`);
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
    for (const trigger of [
      'outbox_inserted_waiting',
      'outbox_waiting_again',
      'outbox_published',
      'outbox_deleted_waiting',
      'outbox_truncated',
    ]) {
      await db.raw(`DROP TRIGGER IF EXISTS ${trigger} ON outbox`);
    }
    for (const fn of ['outbox_row_waits', 'outbox_row_waits_no_more', 'outbox_emptied']) {
      await db.raw(`DROP FUNCTION IF EXISTS ${fn}()`);
    }
    await db.raw('DROP TABLE IF EXISTS outbox_waiting');
  },
};
