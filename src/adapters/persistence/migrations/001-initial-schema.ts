import type { Knex } from 'knex';

export const initialSchema: Knex.Migration = {
  async up(db) {
    await db.schema.createTable('campaigns', (t) => {
      t.bigInteger('id').primary();
      t.string('name', 255).notNullable();
      t.text('description').nullable();
      t.string('status', 16).notNullable();
      t.timestamp('start_at', { useTz: true }).nullable();
      t.timestamp('end_at', { useTz: true }).nullable();
      t.timestamp('started_at', { useTz: true }).nullable();
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.string('created_by', 255).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
      t.integer('version').notNullable();
      t.index(['status', 'start_at'], 'campaigns_status_start_at');
    });
    await db.schema.createTable('outbox', (t) => {
      t.bigIncrements('sequence').primary();
      t.string('event_id', 64).notNullable().unique();
      t.string('aggregate_type', 32).notNullable();
      t.bigInteger('aggregate_id').notNullable();
      t.string('event_type', 64).notNullable();
      t.text('payload').notNullable();
      t.timestamp('occurred_at', { useTz: true }).notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('published_at', { useTz: true }).nullable();
      t.index(['published_at', 'sequence'], 'outbox_unpublished');
    });
    await db.schema.createTable('idempotency_keys', (t) => {
      t.string('owner', 255).notNullable();
      t.string('key', 255).notNullable();
      t.string('fingerprint', 255).notNullable();
      t.text('outcome').notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.primary(['owner', 'key']);
      t.index(['created_at'], 'idempotency_keys_created_at');
    });
  },
  async down(db) {
    await db.schema.dropTable('idempotency_keys');
    await db.schema.dropTable('outbox');
    await db.schema.dropTable('campaigns');
  },
};
