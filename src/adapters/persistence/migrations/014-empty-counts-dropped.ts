import type { Knex } from 'knex';
import { BUCKET_OF } from '../rows/campaign-buckets.js';
import { add as addToRange, subtract as subtractFromRange } from './007-campaign-buckets.js';
import {
  add as addToGroup,
  everyLevel,
  groupOf,
  groupsOf,
  subtract as subtractFromGroup,
} from './011-campaign-bucket-groups.js';

/**
 * A count that falls to zero is deleted by the trigger that brought it there, in `campaign_buckets` and in
 * `campaign_bucket_groups`, and the zeros left by the triggers before this one are deleted here. Kept, they were
 * one row for every second in which the service ever created a campaign, whatever was deleted since: a service that
 * creates and deletes campaigns grew both tables without end, with no campaign left to count (20,000 campaigns
 * created and deleted in five rounds left 84 ranges for none). A list never reads a zero (`page-location.ts` leaves
 * them out), and a create in an emptied range inserts its row again, as in a new one.
 *
 * Each trigger deletes only rows it has just updated, so it takes no lock it did not hold already and keeps the lock
 * order of 010 and 011. The triggers are written again whole with the deletes after their subtractions: on
 * PostgreSQL the functions of 007 (renumbering), 010 (deletes) and 011 (groups), on SQLite the row triggers of a
 * delete and of a renumbering of 007 and 011.
 */
export const emptyCountsDropped: Knex.Migration = {
  async up(db) {
    if (db.client.config.client === 'pg') {
      await db.raw('LOCK TABLE campaigns IN SHARE ROW EXCLUSIVE MODE');
      await postgresFunctions(db, true);
    } else {
      await sqliteTriggers(db, true);
    }
    await db.raw('DELETE FROM campaign_buckets WHERE campaigns = 0');
    await db.raw('DELETE FROM campaign_bucket_groups WHERE campaigns = 0');
  },
  async down(db) {
    if (db.client.config.client === 'pg') await postgresFunctions(db, false);
    else await sqliteTriggers(db, false);
  },
};

/** Takes one from the range of `id` (and, `dropping`, deletes it when that left it at zero). */
const subtractRange = (id: string, dropping: boolean) =>
  `${subtractFromRange(id)};${
    dropping ? ` DELETE FROM campaign_buckets WHERE bucket = ${BUCKET_OF(id)} AND campaigns = 0;` : ''
  }`;
const addRange = (id: string) => `${addToRange(id)};`;
/** The same for the group of every level holding `id`. */
const subtractGroups = (id: string, dropping: boolean) =>
  everyLevel(
    (level) =>
      `${subtractFromGroup(level, id)}${
        dropping
          ? `; DELETE FROM campaign_bucket_groups WHERE level = ${level} AND bucket_group = ${groupOf(level, id)} AND campaigns = 0`
          : ''
      }`,
  );
const addGroups = (id: string) => everyLevel((level) => addToGroup(level, id, '1'));

/** 007's and 011's row triggers of a delete and of a renumbering, as they were (`dropping` false) or with the deletes. */
async function sqliteTriggers(db: Knex, dropping: boolean): Promise<void> {
  for (const name of [
    'campaigns_counted_delete',
    'campaigns_counted_renumber',
    'campaigns_grouped_delete',
    'campaigns_grouped_renumber',
  ]) {
    await db.raw(`DROP TRIGGER IF EXISTS ${name}`);
  }
  await db.raw(`CREATE TRIGGER campaigns_counted_delete AFTER DELETE ON campaigns
    BEGIN ${subtractRange('OLD.id', dropping)} END`);
  await db.raw(`CREATE TRIGGER campaigns_counted_renumber AFTER UPDATE OF id ON campaigns WHEN OLD.id <> NEW.id
    BEGIN ${subtractRange('OLD.id', dropping)} ${addRange('NEW.id')} END`);
  await db.raw(`CREATE TRIGGER campaigns_grouped_delete AFTER DELETE ON campaigns
    BEGIN ${subtractGroups('OLD.id', dropping)} END`);
  await db.raw(`CREATE TRIGGER campaigns_grouped_renumber AFTER UPDATE OF id ON campaigns WHEN OLD.id <> NEW.id
    BEGIN ${subtractGroups('OLD.id', dropping)} ${addGroups('NEW.id')} END`);
}

/** The functions of 007 (renumbering), 010 (deletes) and 011 (groups), as they were or with the deletes. */
async function postgresFunctions(db: Knex, dropping: boolean): Promise<void> {
  const function_ = (name: string, body: string) =>
    db.raw(`CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        ${body}
        RETURN NULL;
      END $$`);
  await function_(
    'count_campaign_buckets',
    `IF TG_OP IN ('DELETE', 'UPDATE') THEN ${subtractRange('OLD.id', dropping)} END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN ${addRange('NEW.id')} END IF;`,
  );
  await function_(
    'count_deleted_campaigns',
    `PERFORM 1 FROM campaign_buckets WHERE bucket IN (SELECT ${BUCKET_OF('id')} FROM deleted)
          ORDER BY bucket FOR UPDATE;
        UPDATE campaign_buckets SET campaigns = campaign_buckets.campaigns - gone.campaigns
          FROM (SELECT ${BUCKET_OF('id')} AS bucket, count(*) AS campaigns FROM deleted GROUP BY 1) AS gone
          WHERE campaign_buckets.bucket = gone.bucket;${
            dropping
              ? `
        DELETE FROM campaign_buckets WHERE bucket IN (SELECT ${BUCKET_OF('id')} FROM deleted) AND campaigns = 0;`
              : ''
          }`,
  );
  await function_(
    'group_deleted_campaigns',
    `PERFORM 1 FROM campaign_bucket_groups AS counted JOIN (${groupsOf('deleted')}) AS gone
          ON counted.level = gone.level AND counted.bucket_group = gone.bucket_group
          ORDER BY counted.level, counted.bucket_group FOR UPDATE OF counted;
        UPDATE campaign_bucket_groups SET campaigns = campaign_bucket_groups.campaigns - gone.campaigns
          FROM (${groupsOf('deleted')}) AS gone
          WHERE campaign_bucket_groups.level = gone.level AND campaign_bucket_groups.bucket_group = gone.bucket_group;${
            dropping
              ? `
        DELETE FROM campaign_bucket_groups AS counted USING (${groupsOf('deleted')}) AS gone
          WHERE counted.level = gone.level AND counted.bucket_group = gone.bucket_group AND counted.campaigns = 0;`
              : ''
          }`,
  );
  await function_('group_renumbered_campaign', `${subtractGroups('OLD.id', dropping)} ${addGroups('NEW.id')}`);
}
