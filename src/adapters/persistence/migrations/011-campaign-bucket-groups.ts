import type { Knex } from 'knex';
import { BUCKET_OF, GROUP_FANOUT, GROUP_LEVELS, GROUP_OF, type GroupLevel } from '../rows/campaign-buckets.js';

/**
 * `campaign_bucket_groups`: the counts of `campaign_buckets` summed again, by groups of 1,024 ranges (level 1) and
 * of 1,024 such groups (level 2), kept by triggers beside the ranges' own. A store holds one range for every
 * second in which it created a campaign, so a service that creates one a second fills a million ranges in twelve
 * days; a list that summed every range read them all. With the groups it reads the groups of level 2 (a few
 * thousand at most, whatever the ids), then 1,024 groups of level 1 and 1,024 ranges at most.
 *
 * Both databases count as they count the ranges: SQLite row by row; PostgreSQL once per statement, groups in order
 * (level 1, then 2) and after the ranges (its triggers fire in the order of their names), so every statement takes
 * the rows it counts in one order.
 */
export const campaignBucketGroups: Knex.Migration = {
  async up(db) {
    // Writers of campaigns wait from here until the triggers exist: a campaign committed between the copy below and
    // its triggers would be counted in its range and never in its groups. (SQLite's migration holds the one write
    // lock from its first statement on.)
    if (db.client.config.client === 'pg') await db.raw('LOCK TABLE campaigns IN SHARE ROW EXCLUSIVE MODE');
    await db.schema.createTable('campaign_bucket_groups', (t) => {
      t.smallint('level').notNullable();
      t.bigInteger('bucket_group').notNullable();
      t.bigInteger('campaigns').notNullable();
      t.primary(['level', 'bucket_group']);
    });
    for (const level of GROUP_LEVELS) {
      await db.raw(`INSERT INTO campaign_bucket_groups (level, bucket_group, campaigns)
        SELECT ${level}, ${GROUP_OF(level, 'bucket')}, SUM(campaigns) FROM campaign_buckets GROUP BY 2`);
    }
    if (db.client.config.client === 'pg') await postgresTriggers(db);
    else await sqliteTriggers(db);
  },
  async down(db) {
    if (db.client.config.client === 'pg') {
      await db.raw('DROP TRIGGER IF EXISTS campaigns_grouped_inserts ON campaigns');
      await db.raw('DROP TRIGGER IF EXISTS campaigns_grouped_deletes ON campaigns');
      await db.raw('DROP TRIGGER IF EXISTS campaigns_grouped ON campaigns');
      await db.raw('DROP FUNCTION IF EXISTS group_inserted_campaigns()');
      await db.raw('DROP FUNCTION IF EXISTS group_deleted_campaigns()');
      await db.raw('DROP FUNCTION IF EXISTS group_renumbered_campaign()');
    } else {
      for (const name of ['campaigns_grouped_insert', 'campaigns_grouped_delete', 'campaigns_grouped_renumber']) {
        await db.raw(`DROP TRIGGER IF EXISTS ${name}`);
      }
    }
    await db.schema.dropTable('campaign_bucket_groups');
  },
};

export const groupOf = (level: GroupLevel, id: string) => GROUP_OF(level, BUCKET_OF(id));

/** Adds `by` (an SQL expression) to the group of `level` holding `id`. */
export const add = (level: GroupLevel, id: string, by: string) =>
  `INSERT INTO campaign_bucket_groups (level, bucket_group, campaigns) VALUES (${level}, ${groupOf(level, id)}, ${by})
    ON CONFLICT (level, bucket_group) DO UPDATE SET campaigns = campaign_bucket_groups.campaigns + ${by}`;
export const subtract = (level: GroupLevel, id: string) =>
  `UPDATE campaign_bucket_groups SET campaigns = campaigns - 1 WHERE level = ${level} AND bucket_group = ${groupOf(level, id)}`;
export const everyLevel = (statement: (level: GroupLevel) => string) =>
  GROUP_LEVELS.map((level) => `${statement(level)};`).join(' ');

async function sqliteTriggers(db: Knex): Promise<void> {
  await db.raw(`CREATE TRIGGER campaigns_grouped_insert AFTER INSERT ON campaigns
    BEGIN ${everyLevel((level) => add(level, 'NEW.id', '1'))} END`);
  await db.raw(`CREATE TRIGGER campaigns_grouped_delete AFTER DELETE ON campaigns
    BEGIN ${everyLevel((level) => subtract(level, 'OLD.id'))} END`);
  await db.raw(`CREATE TRIGGER campaigns_grouped_renumber AFTER UPDATE OF id ON campaigns WHEN OLD.id <> NEW.id
    BEGIN ${everyLevel((level) => subtract(level, 'OLD.id'))} ${everyLevel((level) => add(level, 'NEW.id', '1'))} END`);
}

/** Each level of groups with how many ranges one of its groups spans. */
const LEVEL_WIDTHS = `(VALUES ${GROUP_LEVELS.map((level) => `(${level}, ${GROUP_FANOUT ** level}::bigint)`).join(', ')})
  AS levels (level, width)`;

/** Each group of every level that the rows of `table` fall in, with how many of them it holds, in lock order. */
export const groupsOf = (table: string) =>
  `SELECT levels.level, ${BUCKET_OF('id')} / levels.width AS bucket_group, count(*) AS campaigns
    FROM ${table} CROSS JOIN ${LEVEL_WIDTHS} GROUP BY 1, 2 ORDER BY 1, 2`;

async function postgresTriggers(db: Knex): Promise<void> {
  await db.raw(`CREATE FUNCTION group_inserted_campaigns() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      INSERT INTO campaign_bucket_groups (level, bucket_group, campaigns) ${groupsOf('inserted')}
        ON CONFLICT (level, bucket_group) DO UPDATE SET campaigns = campaign_bucket_groups.campaigns + EXCLUDED.campaigns;
      RETURN NULL;
    END $$`);
  await db.raw(`CREATE FUNCTION group_deleted_campaigns() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      PERFORM 1 FROM campaign_bucket_groups AS counted JOIN (${groupsOf('deleted')}) AS gone
        ON counted.level = gone.level AND counted.bucket_group = gone.bucket_group
        ORDER BY counted.level, counted.bucket_group FOR UPDATE OF counted;
      UPDATE campaign_bucket_groups SET campaigns = campaign_bucket_groups.campaigns - gone.campaigns
        FROM (${groupsOf('deleted')}) AS gone
        WHERE campaign_bucket_groups.level = gone.level AND campaign_bucket_groups.bucket_group = gone.bucket_group;
      RETURN NULL;
    END $$`);
  await db.raw(`CREATE FUNCTION group_renumbered_campaign() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      ${everyLevel((level) => subtract(level, 'OLD.id'))}
      ${everyLevel((level) => add(level, 'NEW.id', '1'))}
      RETURN NULL;
    END $$`);
  await db.raw(`CREATE TRIGGER campaigns_grouped_inserts AFTER INSERT ON campaigns
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION group_inserted_campaigns()`);
  await db.raw(`CREATE TRIGGER campaigns_grouped_deletes AFTER DELETE ON campaigns
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION group_deleted_campaigns()`);
  await db.raw(`CREATE TRIGGER campaigns_grouped AFTER UPDATE OF id ON campaigns
    FOR EACH ROW WHEN (OLD.id <> NEW.id) EXECUTE FUNCTION group_renumbered_campaign()`);
}
