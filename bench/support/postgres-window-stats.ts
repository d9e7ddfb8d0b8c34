import type { Knex } from 'knex';
import { namedProcessesCpuSeconds } from './cpu-usage.js';

/** What PostgreSQL did in one window of a soak. */
export interface PostgresWindow {
  /** Blocks the database read from outside its shared buffers (`pg_stat_database.blks_read`), in the window. */
  blocksRead: number;
  /** Blocks found in the shared buffers, in the window. */
  blocksHit: number;
  /** The service's tables with their indexes and TOAST, at the window's end, in MB. */
  sizeMb: number;
  /** CPU seconds (user and system) of the server's processes in the window: its backends, VACUUM and its own. */
  cpuSeconds: number;
  /** The outbox's updates (the relay's marks) in the window, and how many of them were in place (HOT). */
  outboxUpdates: number;
  outboxUpdatesInPlace: number;
}

interface Counters {
  read: number;
  hit: number;
  cpu: number;
  updates: number;
  inPlace: number;
}

const COUNTERS = `SELECT blks_read, blks_hit,
    (SELECT n_tup_upd FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'outbox') AS updates,
    (SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'outbox') AS in_place
  FROM pg_stat_database WHERE datname = current_database()`;
const SCHEMA_SIZE = `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS bytes
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind = 'r'`;

/**
 * PostgreSQL's buffer reads and the service's data size window by window: a soak's latency that grows with the data
 * once it outgrows `shared_buffers`, or with the server's CPU, shows here. The counters are the whole database's, the
 * CPU the whole server's (the bench's schema is the only one at work during a soak).
 */
export class PostgresWindowStats {
  private last: Counters | undefined;

  constructor(private readonly db: Knex) {}

  /** The server's `shared_buffers`, as it names it (`128MB`). */
  async sharedBuffers(): Promise<string> {
    return String((await this.db.raw('SHOW shared_buffers')).rows[0].shared_buffers);
  }

  /** Starts the first window. */
  async begin(): Promise<void> {
    this.last = await this.counters();
  }

  /** Closes a window and starts the next. */
  async take(): Promise<PostgresWindow> {
    const now = await this.counters();
    const before = this.last ?? now;
    this.last = now;
    const size = (await this.db.raw(SCHEMA_SIZE)).rows[0] as { bytes: string };
    return {
      blocksRead: now.read - before.read,
      blocksHit: now.hit - before.hit,
      sizeMb: Number(size.bytes) / 2 ** 20,
      cpuSeconds: now.cpu - before.cpu,
      outboxUpdates: now.updates - before.updates,
      outboxUpdatesInPlace: now.inPlace - before.inPlace,
    };
  }

  private async counters(): Promise<Counters> {
    const cpu = namedProcessesCpuSeconds('postgres');
    const row = (await this.db.raw(COUNTERS)).rows[0] as Record<
      'blks_read' | 'blks_hit' | 'updates' | 'in_place',
      string
    >;
    return {
      read: Number(row.blks_read),
      hit: Number(row.blks_hit),
      cpu,
      updates: Number(row.updates ?? 0),
      inPlace: Number(row.in_place ?? 0),
    };
  }
}
