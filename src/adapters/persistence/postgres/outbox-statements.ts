import type { OutboxEntry } from '../../../application/index.js';
import type { QueryConfig } from './postgres-transaction.js';

/**
 * The mark commits without waiting for its WAL flush (`synchronous_commit` off for its own implicit transaction
 * alone; `set_config(..., true)` reverts when it ends). A mark needs no flush of its own: a mark lost to a crash
 * only sends its events again, which consumers drop by `ce_id` (docs/events.md), and the next commit that waits for
 * its flush (any change's) carries the mark to the disk with it, or the WAL writer does within `wal_writer_delay`.
 * Under steady traffic the relay marks about as often as the service commits, and each mark's flush was one more
 * for the disk (docs/performance.md).
 */
const MARK_PUBLISHED =
  'UPDATE outbox SET published_at = $1 ' +
  "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS without_flush " +
  'WHERE sequence = ANY($2::bigint[]) AND event_id = ANY($3::text[])';

/**
 * The relay's mark of a batch: prepared once per connection, its sequences one array and its event ids another
 * (a row is marked only while it holds one of the batch's events). As a statement of one parameter per sequence
 * it was built by Knex, sent and planned anew for every batch.
 */
export function markPublishedQuery(events: readonly OutboxEntry[], at: Date): QueryConfig {
  const sequences = events.map((event) => String(event.sequence));
  return { name: 'outbox_markPublished', text: MARK_PUBLISHED, values: [at, sequences, events.map((e) => e.eventId)] };
}
