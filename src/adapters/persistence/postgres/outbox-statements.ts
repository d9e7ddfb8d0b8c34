import type { QueryConfig } from './postgres-transaction.js';

const MARK_PUBLISHED = 'UPDATE outbox SET published_at = $1 WHERE sequence = ANY($2::bigint[])';

/**
 * The relay's mark of a batch: prepared once per connection, its sequences one array. As a statement of one
 * parameter per sequence it was built by Knex, sent and planned anew for every batch.
 */
export function markPublishedQuery(sequences: readonly bigint[], at: Date): QueryConfig {
  return { name: 'outbox_markPublished', text: MARK_PUBLISHED, values: [at, sequences.map(String)] };
}
