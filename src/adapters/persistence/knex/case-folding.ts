import type { Knex } from 'knex';

/**
 * One case folding for a name and a search, the same on SQLite and PostgreSQL: each character becomes its own
 * lower case, one character for one, whatever stands around it (as PostgreSQL's `lower` does per character), and
 * the final sigma ς reads σ, as Unicode's case folding has it. So `Σ` finds `ΟΔΟΣ` and `ος` finds `ΟΣ`, and `İ`
 * reads `i` on both, never `i` followed by a combining dot (JavaScript's full mapping, and PostgreSQL's under ICU).
 */
const SQLITE_FOLD = 'fold_case';

const DOTTED_CAPITAL_I = /\u0130/g;
const FINAL_SIGMA = /\u03c2/g;

/** The folding of `text`, as both databases apply it to a name and a search. */
export function foldCase(text: string): string {
  return text.replace(DOTTED_CAPITAL_I, 'i').toLowerCase().replace(FINAL_SIGMA, 'σ');
}

export interface SqliteFunctions {
  function(name: string, options: { deterministic: boolean }, fn: (value: unknown) => unknown): unknown;
}

/** Gives a new SQLite connection the case folding that `caseFolded` calls. */
export function addCaseFolding(connection: SqliteFunctions): void {
  connection.function(SQLITE_FOLD, { deterministic: true }, (value) =>
    typeof value === 'string' ? foldCase(value) : value,
  );
}

/**
 * The SQL that folds `expression` (a column or a `?`) on this database; the same on both sides of a comparison.
 * PostgreSQL lowers with its character tables; İ is made i before (ICU would give i and a combining dot) and ς σ
 * after (lower keeps it, and ICU writes it for a Σ that ends a word).
 */
export function caseFolded(db: Knex, expression: string): string {
  return db.client.config.client === 'pg'
    ? `translate(lower(translate(${expression}, 'İ', 'i')), 'ς', 'σ')`
    : `${SQLITE_FOLD}(${expression})`;
}
