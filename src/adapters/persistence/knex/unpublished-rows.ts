import type { Knex } from 'knex';

/**
 * The unpublished outbox rows in sequence order, read along the `outbox_unpublished (published_at, sequence)` index.
 * Ordered by `sequence` alone, PostgreSQL may choose to walk the primary key and filter, through every published
 * row the outbox keeps before the first unpublished one: a read whose cost grows with the published history.
 */
export function unpublishedInSequenceOrder(db: Knex, direction: 'asc' | 'desc' = 'asc'): Knex.QueryBuilder {
  return db('outbox')
    .whereNull('published_at')
    .orderBy([
      { column: 'published_at', order: direction },
      { column: 'sequence', order: direction },
    ]);
}
