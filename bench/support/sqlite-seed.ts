import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { foldCase } from '../../src/adapters/persistence/knex/case-folding.js';

const DAY_MS = 86_400_000;

export interface SqliteSeed {
  /** Scheduled campaigns with ids 1..campaigns (or `idOf(1..campaigns)`), starting tomorrow. */
  campaigns: number;
  idOf?: (n: number) => bigint;
  /** CampaignStarted rows already published, spread evenly over `publishedOverMs` up to now, oldest first. */
  publishedEvents: number;
  publishedOverMs: number;
}

/**
 * Fills a migrated SQLite file straight through better-sqlite3, one transaction per table and statements compiled
 * once: a million rows take seconds, where Knex's batch inserts take minutes. Rows look like the service's own.
 */
export function seedSqlite(filename: string, seed: SqliteSeed, now = new Date()): void {
  const db = new Database(filename);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const startAt = now.getTime() + DAY_MS;
    const endAt = now.getTime() + 30 * DAY_MS;
    const insertCampaign = db.prepare(
      `INSERT INTO campaigns (id, name, name_folded, description, status, start_at, end_at, created_at, created_by, updated_at, updated_by, version)
       VALUES (?, ?, ?, NULL, 'scheduled', ?, ?, ?, 'bench', ?, 'bench', 1)`,
    );
    db.transaction(() => {
      for (let n = 1; n <= seed.campaigns; n++) {
        const id = seed.idOf ? seed.idOf(n) : n;
        const name = `Bench ${id}`;
        insertCampaign.run(id, name, foldCase(name), startAt, endAt, now.getTime(), now.getTime());
      }
    })();
    const insertEvent = db.prepare(
      `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, payload, occurred_at, created_at, published_at)
       VALUES (?, 'campaign', ?, 'CampaignStarted', ?, ?, ?, ?)`,
    );
    const first = now.getTime() - seed.publishedOverMs;
    const step = seed.publishedEvents > 0 ? seed.publishedOverMs / seed.publishedEvents : 0;
    db.transaction(() => {
      for (let n = 0; n < seed.publishedEvents; n++) {
        const publishedAt = Math.floor(first + n * step);
        const occurredAt = publishedAt - 5;
        const campaignId = String(1 + (n % Math.max(seed.campaigns, 1)));
        const payload = `{"campaignId":"${campaignId}","startedAt":"${new Date(occurredAt).toISOString()}","scheduledStartAt":"${new Date(startAt).toISOString()}","trigger":"manual","startedBy":"bench"}`;
        insertEvent.run(randomUUID(), campaignId, payload, occurredAt, occurredAt, publishedAt);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** Counts the outbox rows of a SQLite file, published and not, from a connection of its own. */
export function outboxCounts(filename: string): { published: number; unpublished: number } {
  const db = new Database(filename, { readonly: true });
  try {
    const row = db
      .prepare('SELECT count(published_at) AS published, count(*) - count(published_at) AS unpublished FROM outbox')
      .get() as { published: number; unpublished: number };
    return row;
  } finally {
    db.close();
  }
}
