import type { Knex } from 'knex';

/** The outbox rows no relay has published yet, in no particular order. */
export function unpublishedRows(db: Knex): Knex.QueryBuilder {
  return db('outbox').whereNull('published_at');
}

/**
 * The unpublished outbox rows in sequence order, read along the `outbox_unpublished (published_at, sequence)` index.
 * Ordered by `sequence` alone, PostgreSQL may choose to walk the primary key and filter, through every published
 * row the outbox keeps before the first unpublished one: a read whose cost grows with the published history.
 */
export function unpublishedInSequenceOrder(db: Knex, direction: 'asc' | 'desc' = 'asc'): Knex.QueryBuilder {
  return unpublishedRows(db).orderBy([
    { column: 'published_at', order: direction },
    { column: 'sequence', order: direction },
  ]);
}

/**
 * The sequence as text, which the SQLite driver does not round above 2^53, named `sequence_text`: under another
 * name than the column, so ORDER BY and WHERE still see the number.
 */
export function sequenceAsText(db: Knex): Knex.Raw {
  return db.raw('CAST(sequence AS TEXT) AS sequence_text');
}
