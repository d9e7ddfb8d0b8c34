import type { Database } from 'better-sqlite3';
import type { Knex } from 'knex';
import type { OutboxEntry } from '../../../application/index.js';
import { prepared } from './prepared-statements.js';

const MARK =
  'UPDATE outbox SET published_at = ? ' +
  'WHERE sequence IN (SELECT value FROM json_each(?)) AND event_id IN (SELECT value FROM json_each(?))';
const NORMAL = 1;

/**
 * Marks events published in a commit that does not wait for the disk (`synchronous=NORMAL` for that one statement,
 * on SQLite's only connection, the level it had put back before the connection is released).
 *
 * A mark needs no sync of its own: a mark lost to a power cut only sends its events again, which consumers drop by
 * `ce_id` (docs/events.md). In WAL mode NORMAL never risks the database's integrity, and the next commit that syncs
 * the WAL (any change's, or a checkpoint's) carries the mark to the disk with it. Each mark's own fsync used to
 * hold the event loop as long as a group commit's, and under steady traffic the relay marks about as often as the
 * service commits (docs/performance.md). Outside WAL mode the mark waits for the disk as before.
 */
export async function markPublishedWithoutSync(db: Knex, events: readonly OutboxEntry[], at: Date): Promise<void> {
  const sequences = `[${events.map((event) => event.sequence).join(',')}]`;
  const eventIds = JSON.stringify(events.map((event) => event.eventId));
  const connection = (await db.client.acquireConnection()) as Database;
  try {
    withoutSync(connection, () => prepared(connection, MARK).run(at.getTime(), sequences, eventIds));
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/** Runs `write` at synchronous=NORMAL when the connection is in WAL mode at a stricter level, and puts that level back. */
export function withoutSync(connection: Database, write: () => void): void {
  const level = levelToRestore(connection);
  if (level === undefined) {
    write();
    return;
  }
  prepared(connection, `PRAGMA synchronous = ${NORMAL}`).run();
  try {
    write();
  } finally {
    prepared(connection, `PRAGMA synchronous = ${level}`).run();
  }
}

const restoredLevels = new WeakMap<Database, number | undefined>();

/**
 * The connection's synchronous level when a write may go below it: in WAL mode, above NORMAL. Both are set when the
 * connection opens, so they are read once per connection, not on every mark.
 */
function levelToRestore(connection: Database): number | undefined {
  if (!restoredLevels.has(connection)) {
    const level = connection.pragma('synchronous', { simple: true }) as number;
    const wal = connection.pragma('journal_mode', { simple: true }) === 'wal';
    restoredLevels.set(connection, wal && level > NORMAL ? level : undefined);
  }
  return restoredLevels.get(connection);
}
