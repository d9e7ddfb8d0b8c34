import type { Knex } from 'knex';
import { BUCKET_OF } from '../rows/campaign-buckets.js';
import { dropStatementCounting } from './010-campaign-buckets-per-statement.js';

/**
 * `campaign_buckets`: how many campaigns each range of ids holds, kept by triggers in the transaction that inserts
 * or deletes a campaign, whichever code path does it. The list's total is their sum and a deep page starts from the
 * range that holds its first row, so neither scans the campaigns table.
 */
export const campaignBuckets: Knex.Migration = {
  async up(db) {
    await db.schema.createTable('campaign_buckets', (t) => {
      t.bigInteger('bucket').primary();
      t.bigInteger('campaigns').notNullable();
    });
    await db.raw(
      `INSERT INTO campaign_buckets (bucket, campaigns) SELECT ${BUCKET_OF('id')}, count(*) FROM campaigns GROUP BY 1`,
    );
    if (db.client.config.client === 'pg') await postgresTriggers(db);
    else await sqliteTriggers(db);
  },
  async down(db) {
    if (db.client.config.client === 'pg') {
      await dropStatementCounting(db);
      await db.raw('DROP TRIGGER IF EXISTS campaigns_counted ON campaigns');
      await db.raw('DROP FUNCTION IF EXISTS count_campaign_buckets()');
    } else {
      for (const name of ['campaigns_counted_insert', 'campaigns_counted_delete', 'campaigns_counted_renumber']) {
        await db.raw(`DROP TRIGGER IF EXISTS ${name}`);
      }
    }
    await db.schema.dropTable('campaign_buckets');
  },
};

/** Adds one to the range holding `id` (an SQL expression), making the range when it is new. */
export const add = (id: string) => `INSERT INTO campaign_buckets (bucket, campaigns) VALUES (${BUCKET_OF(id)}, 1)
  ON CONFLICT (bucket) DO UPDATE SET campaigns = campaign_buckets.campaigns + 1`;
/** Takes one from the range holding `id`. */
export const subtract = (id: string) =>
  `UPDATE campaign_buckets SET campaigns = campaigns - 1 WHERE bucket = ${BUCKET_OF(id)}`;

async function sqliteTriggers(db: Knex): Promise<void> {
  await db.raw(`CREATE TRIGGER campaigns_counted_insert AFTER INSERT ON campaigns BEGIN ${add('NEW.id')}; END`);
  await db.raw(`CREATE TRIGGER campaigns_counted_delete AFTER DELETE ON campaigns BEGIN ${subtract('OLD.id')}; END`);
  await db.raw(`CREATE TRIGGER campaigns_counted_renumber AFTER UPDATE OF id ON campaigns WHEN OLD.id <> NEW.id
    BEGIN ${subtract('OLD.id')}; ${add('NEW.id')}; END`);
}

async function postgresTriggers(db: Knex): Promise<void> {
  await db.raw(`CREATE FUNCTION count_campaign_buckets() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      IF TG_OP IN ('DELETE', 'UPDATE') THEN ${subtract('OLD.id')}; END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN ${add('NEW.id')}; END IF;
      RETURN NULL;
    END $$`);
  await db.raw(`CREATE TRIGGER campaigns_counted AFTER INSERT OR DELETE OR UPDATE OF id ON campaigns
    FOR EACH ROW EXECUTE FUNCTION count_campaign_buckets()`);
}
