import type { Knex } from 'knex';

/**
 * SQLite's own `LOWER` folds ASCII letters only, PostgreSQL's folds every letter of the database's character
 * type: so that a search ignores case alike on both, SQLite gets this function, which folds as JavaScript does.
 */
const SQLITE_FOLD = 'unicode_lower';

export interface SqliteFunctions {
  function(name: string, options: { deterministic: boolean }, fn: (value: unknown) => unknown): unknown;
}

/** Gives a new SQLite connection the case folding that `caseFoldFunction` names. */
export function addCaseFolding(connection: SqliteFunctions): void {
  connection.function(SQLITE_FOLD, { deterministic: true }, (value) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
}

/** The SQL function that folds a text's case on this database; the same on both sides of a comparison. */
export function caseFoldFunction(db: Knex): string {
  return db.client.config.client === 'pg' ? 'lower' : SQLITE_FOLD;
}
