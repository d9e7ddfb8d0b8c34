import type { Knex } from 'knex';
import { BUCKET_OF } from '../rows/campaign-buckets.js';

/**
 * PostgreSQL counts the campaigns a statement inserts or deletes once per statement and id range, where 007 counted
 * them row by row. Row by row, a statement of a thousand campaigns wrote a thousand versions of its range's row, and
 * a transaction of many such statements (an import, a restore) left `campaign_buckets` hundreds of pages long for a
 * few hundred rows: a table every list call reads whole (docs/performance.md). Per statement, the same transaction
 * writes one version per range and statement. The ranges are written in order, so two statements that touch the
 * same ranges wait for each other rather than deadlock. Renumbering (`UPDATE OF id`) stays counted row by row: a
 * trigger given the statement's rows cannot name the columns it watches, and would copy the rows of every other
 * update. SQLite, one writer at a time, keeps its row triggers.
 */
export const campaignBucketsPerStatement: Knex.Migration = {
  async up(db) {
    if (db.client.config.client !== 'pg') return;
    await db.raw('DROP TRIGGER IF EXISTS campaigns_counted ON campaigns');
    await db.raw(`CREATE TRIGGER campaigns_counted AFTER UPDATE OF id ON campaigns
      FOR EACH ROW EXECUTE FUNCTION count_campaign_buckets()`);
    await db.raw(`CREATE FUNCTION count_inserted_campaigns() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        INSERT INTO campaign_buckets (bucket, campaigns)
          SELECT ${BUCKET_OF('id')}, count(*) FROM inserted GROUP BY 1 ORDER BY 1
          ON CONFLICT (bucket) DO UPDATE SET campaigns = campaign_buckets.campaigns + EXCLUDED.campaigns;
        RETURN NULL;
      END $$`);
    await db.raw(`CREATE FUNCTION count_deleted_campaigns() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        PERFORM 1 FROM campaign_buckets WHERE bucket IN (SELECT ${BUCKET_OF('id')} FROM deleted)
          ORDER BY bucket FOR UPDATE;
        UPDATE campaign_buckets SET campaigns = campaign_buckets.campaigns - gone.campaigns
          FROM (SELECT ${BUCKET_OF('id')} AS bucket, count(*) AS campaigns FROM deleted GROUP BY 1) AS gone
          WHERE campaign_buckets.bucket = gone.bucket;
        RETURN NULL;
      END $$`);
    await db.raw(`CREATE TRIGGER campaigns_counted_inserts AFTER INSERT ON campaigns
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_campaigns()`);
    await db.raw(`CREATE TRIGGER campaigns_counted_deletes AFTER DELETE ON campaigns
      REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION count_deleted_campaigns()`);
  },
  async down(db) {
    if (db.client.config.client !== 'pg') return;
    await dropStatementCounting(db);
    await db.raw('DROP TRIGGER IF EXISTS campaigns_counted ON campaigns');
    await db.raw(`CREATE TRIGGER campaigns_counted AFTER INSERT OR DELETE OR UPDATE OF id ON campaigns
      FOR EACH ROW EXECUTE FUNCTION count_campaign_buckets()`);
  },
};

/** Takes 010's statement triggers away; 007's down calls it too, so that no trigger is left writing to a dropped table. */
export async function dropStatementCounting(db: Knex): Promise<void> {
  await db.raw('DROP TRIGGER IF EXISTS campaigns_counted_inserts ON campaigns');
  await db.raw('DROP TRIGGER IF EXISTS campaigns_counted_deletes ON campaigns');
  await db.raw('DROP FUNCTION IF EXISTS count_inserted_campaigns()');
  await db.raw('DROP FUNCTION IF EXISTS count_deleted_campaigns()');
}
