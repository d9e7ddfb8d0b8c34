import type { Knex } from 'knex';

export const lifecycleColumns: Knex.Migration = {
  async up(db) {
    await db.schema.alterTable('campaigns', (t) => {
      t.string('zone', 64).nullable();
      t.timestamp('paused_at', { useTz: true }).nullable();
      t.timestamp('terminated_at', { useTz: true }).nullable();
      t.timestamp('completed_at', { useTz: true }).nullable();
      t.string('updated_by', 255).nullable();
      t.index(['status', 'end_at'], 'campaigns_status_end_at');
    });
  },
  async down(db) {
    await db.schema.alterTable('campaigns', (t) => {
      t.dropIndex(['status', 'end_at'], 'campaigns_status_end_at');
      t.dropColumns('zone', 'paused_at', 'terminated_at', 'completed_at', 'updated_by');
    });
  },
};
