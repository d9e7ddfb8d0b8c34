import type { Knex } from 'knex';

/**
 * One case folding for a name and a search, done in JavaScript whatever the database: each character becomes its
 * own lower case, one character for one, whatever stands around it, and the final sigma ς reads σ, as Unicode's
 * case folding has it. So `Σ` finds `ΟΔΟΣ` and `ος` finds `ΟΣ`, and `İ` reads `i`, never `i` followed by a
 * combining dot (JavaScript's full mapping). A campaign's row keeps its name folded so (`name_folded`), and a
 * search is folded so before it is sent: neither the database's locale nor its character tables take part.
 */
const SQLITE_FOLD = 'fold_case';

const DOTTED_CAPITAL_I = /\u0130/g;
const FINAL_SIGMA = /\u03c2/g;

/** The folding of `text`, as a campaign's name is stored folded and a search is folded. */
export function foldCase(text: string): string {
  return text.replace(DOTTED_CAPITAL_I, 'i').toLowerCase().replace(FINAL_SIGMA, 'σ');
}

/**
 * What a search matches a campaign's row against, with its `?` for the folded LIKE pattern: the folded name, or,
 * for a row written without it (by a version before the column, still running during an upgrade), the name
 * folded in SQL as those versions folded it.
 */
export function foldedNameHolds(db: Knex): string {
  return `COALESCE(name_folded, ${caseFolded(db, 'name')}) LIKE ? ESCAPE '\\'`;
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
 * The SQL that folds `expression` (a column) on this database, for the rows written without their folded name.
 * SQLite calls `foldCase`; PostgreSQL lowers with its character tables, which follow the database's `LC_CTYPE`
 * (`C` lowers A to Z only) and its server's Unicode version; İ is made i before and ς σ after.
 */
function caseFolded(db: Knex, expression: string): string {
  return db.client.config.client === 'pg'
    ? `translate(lower(translate(${expression}, 'İ', 'i')), 'ς', 'σ')`
    : `${SQLITE_FOLD}(${expression})`;
}
