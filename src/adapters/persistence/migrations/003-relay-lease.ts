import type { Knex } from 'knex';

/** The outbox relay's lease: one row, held by one relay at a time (see KnexRelayLease). */
export const relayLease: Knex.Migration = {
  async up(db) {
    await db.schema.createTable('relay_lease', (t) => {
      t.string('name', 64).primary();
      t.string('holder', 255).nullable();
      t.timestamp('acquired_at', { useTz: true }).nullable();
      t.timestamp('expires_at', { useTz: true }).nullable();
    });
    await db('relay_lease').insert({ name: 'outbox', holder: null, acquired_at: null, expires_at: null });
  },
  async down(db) {
    await db.schema.dropTable('relay_lease');
  },
};
