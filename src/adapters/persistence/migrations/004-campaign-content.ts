import type { Knex } from 'knex';

/** A campaign's audience, messages and channel order, as one JSON text (NULL when it has none). */
export const campaignContent: Knex.Migration = {
  async up(db) {
    await db.schema.alterTable('campaigns', (t) => {
      t.text('content').nullable();
    });
  },
  async down(db) {
    await db.schema.alterTable('campaigns', (t) => {
      t.dropColumn('content');
    });
  },
};
