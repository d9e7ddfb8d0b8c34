import type { Knex } from 'knex';

/**
 * The W3C Trace Context of the work that wrote each outbox row, so the relay can put it on the message
 * (`ce_traceparent`, `ce_tracestate`) and a consumer continues the trace of the request. Null on rows written
 * before this column existed, or outside any trace.
 */
export const outboxTraceContext: Knex.Migration = {
  async up(db) {
    await db.schema.alterTable('outbox', (t) => {
      t.text('trace_context').nullable();
    });
  },
  async down(db) {
    await db.schema.alterTable('outbox', (t) => {
      t.dropColumn('trace_context');
    });
  },
};
