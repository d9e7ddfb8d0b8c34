import type { Knex } from 'knex';
import { initialSchema } from './001-initial-schema.js';
import { lifecycleColumns } from './002-lifecycle-columns.js';
import { relayLease } from './003-relay-lease.js';
import { campaignContent } from './004-campaign-content.js';
import { outboxTraceContext } from './005-outbox-trace-context.js';
import { idempotencyRequestFingerprints } from './006-idempotency-request-fingerprints.js';
import { campaignBuckets } from './007-campaign-buckets.js';
import { historyIndexes } from './008-history-indexes.js';
import { unpublishedByAggregate } from './009-unpublished-by-aggregate.js';
import { campaignBucketsPerStatement } from './010-campaign-buckets-per-statement.js';
import { campaignBucketGroups } from './011-campaign-bucket-groups.js';
import { foldedNames } from './012-folded-names.js';
import { nextStartOrder } from './013-next-start-order.js';
import { emptyCountsDropped } from './014-empty-counts-dropped.js';
import { statusLeadingOrders } from './015-status-leading-orders.js';
import { statusNextStartOrder } from './016-status-next-start-order.js';
import { outboxWaiting } from './017-outbox-waiting.js';
import { outboxMarksInPlace } from './018-outbox-marks-in-place.js';
import { whileHoldingMigrationLock } from './migration-lock.js';
import { ensureNamedSchema } from './named-schema.js';
import { refuseNewerSchema } from './newer-schema.js';

const MIGRATIONS: ReadonlyArray<[name: string, migration: Knex.Migration]> = [
  ['001-initial-schema', initialSchema],
  ['002-lifecycle-columns', lifecycleColumns],
  ['003-relay-lease', relayLease],
  ['004-campaign-content', campaignContent],
  ['005-outbox-trace-context', outboxTraceContext],
  ['006-idempotency-request-fingerprints', idempotencyRequestFingerprints],
  ['007-campaign-buckets', campaignBuckets],
  ['008-history-indexes', historyIndexes],
  ['009-unpublished-by-aggregate', unpublishedByAggregate],
  ['010-campaign-buckets-per-statement', campaignBucketsPerStatement],
  ['011-campaign-bucket-groups', campaignBucketGroups],
  ['012-folded-names', foldedNames],
  ['013-next-start-order', nextStartOrder],
  ['014-empty-counts-dropped', emptyCountsDropped],
  ['015-status-leading-orders', statusLeadingOrders],
  ['016-status-next-start-order', statusNextStartOrder],
  ['017-outbox-waiting', outboxWaiting],
  ['018-outbox-marks-in-place', outboxMarksInPlace],
];

/** Migrations compiled into the service, so they run the same from `dist/` on SQLite and PostgreSQL. */
export const migrationSource: Knex.MigrationSource<[string, Knex.Migration]> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};

/**
 * Migrates to the latest schema, in the PostgreSQL schema it is told to use, created if need be; instances starting
 * together take turns (see migration-lock.ts). A database a newer build migrated is refused (newer-schema.ts).
 */
export async function migrateToLatest(db: Knex): Promise<string[]> {
  await ensureNamedSchema(db);
  return whileHoldingMigrationLock(db, async () => {
    await refuseNewerSchema(
      db,
      MIGRATIONS.map(([name]) => name),
    );
    const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
    return applied;
  });
}
