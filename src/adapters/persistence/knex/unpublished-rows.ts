import type { Knex } from 'knex';

/** The outbox rows no relay has published yet, in no particular order. */
export function unpublishedRows(db: Knex): Knex.QueryBuilder {
  return db('outbox').whereNull('published_at');
}

/**
 * The unpublished outbox rows in sequence order, read along SQLite's `outbox_unpublished (published_at, sequence)`
 * index (PostgreSQL's outbox has none since migration 018: see waitingInSequenceOrder). Ordered by `sequence` alone, a
 * planner may choose to walk the primary key and filter, through every published row the outbox keeps before the
 * first unpublished one: a read whose cost grows with the published history.
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
export const SEQUENCE_AS_TEXT = 'CAST(sequence AS TEXT) AS sequence_text';

/** SEQUENCE_AS_TEXT for a Knex query. */
export function sequenceAsText(db: Knex): Knex.Raw {
  return db.raw(SEQUENCE_AS_TEXT);
}

/**
 * The sequences of the waiting rows in sequence order, in a column `sequence`: on PostgreSQL from `outbox_waiting`
 * (migration 017), which the outbox's marks leave no old entries in for longer than autovacuum's naptime; on SQLite
 * from the outbox itself.
 */
export function waitingInSequenceOrder(db: Knex, direction: 'asc' | 'desc' = 'asc'): Knex.QueryBuilder {
  if (db.client.config.client !== 'pg') return unpublishedInSequenceOrder(db, direction);
  return db('outbox_waiting').orderBy('sequence', direction);
}

/**
 * PostgreSQL: the outbox row of each of `waiting`'s sequences (in no order), still unpublished, with `columns` and
 * `published_at`: one look-up by primary key each. `OFFSET 0` keeps the planner from joining otherwise (a merge join
 * walks the outbox's primary key from its first row, through the whole published history), and the look-up names no
 * condition on `published_at`, which would let it search a partial index of waiting rows whole for each sequence.
 */
export function outboxRowsOf(db: Knex, waiting: Knex.QueryBuilder, columns: string): Knex.QueryBuilder {
  return db
    .select('waiting_row.*')
    .from(waiting.as('waiting'))
    .joinRaw(
      `CROSS JOIN LATERAL (SELECT ${columns}, published_at FROM outbox
        WHERE outbox.sequence = waiting.sequence OFFSET 0) AS waiting_row`,
    )
    .whereNull('waiting_row.published_at');
}
