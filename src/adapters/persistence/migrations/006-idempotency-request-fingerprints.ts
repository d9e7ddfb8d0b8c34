import type { Knex } from 'knex';

/**
 * Idempotency keys were bound to `<verb> <campaign id>` (`start 42`); they are now bound to the whole request,
 * `<method> <resource> <digest of query and body>`. Keys stored before have no digest: they become
 * `POST /campaigns/42/start *`, which matches the same method and resource with any query and body, as they
 * did, until the retention deletes them.
 */
export const idempotencyRequestFingerprints: Knex.Migration = {
  async up(db) {
    const legacy = db('idempotency_keys').whereNot('fingerprint', 'like', 'POST %');
    if (db.client.config.client === 'pg') {
      await legacy.update({
        fingerprint: db.raw(
          `'POST /campaigns/' || split_part(fingerprint, ' ', 2) || '/' || split_part(fingerprint, ' ', 1) || ' *'`,
        ),
      });
    } else {
      await legacy.update({
        fingerprint: db.raw(
          `'POST /campaigns/' || substr(fingerprint, instr(fingerprint, ' ') + 1) || '/' || substr(fingerprint, 1, instr(fingerprint, ' ') - 1) || ' *'`,
        ),
      });
    }
  },
  async down(db) {
    const migrated = db('idempotency_keys').where('fingerprint', 'like', 'POST /campaigns/%');
    const rows: Array<{ owner: string; key: string; fingerprint: string }> = await migrated
      .clone()
      .select('owner', 'key', 'fingerprint');
    for (const row of rows) {
      const [, , id, verb] = row.fingerprint.split(' ')[1]!.split('/');
      await db('idempotency_keys')
        .where({ owner: row.owner, key: row.key })
        .update({ fingerprint: `${verb} ${id}` });
    }
  },
};
