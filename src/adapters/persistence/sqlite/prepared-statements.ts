import type { Database, Statement } from 'better-sqlite3';

/**
 * How many compiled statements a connection keeps. The service runs a few dozen texts; the bound is for queries whose
 * text varies with their input (a list of values, say), which would otherwise hold a statement per length.
 */
export const KEPT_STATEMENTS = 256;

const kept = new WeakMap<Database, CompiledStatements>();

/** The connection's compiled statement for `sql`: compiling costs more than running, so it happens once. */
export function prepared(connection: Database, sql: string): Statement {
  return compiledStatementsOf(connection).statement(sql);
}

/**
 * Makes the connection's own `prepare` answer from the statements it compiled before, so the queries Knex builds
 * (which it prepares each time it runs them) are compiled once too. better-sqlite3 runs a statement to its end
 * before it returns, so one statement never serves two queries at once, and SQLite compiles it again by itself if
 * the schema changes under it.
 */
export function keepCompiledStatements(connection: Database, limit = KEPT_STATEMENTS): void {
  const statements = compiledStatementsOf(connection, limit);
  connection.prepare = ((sql: string) => statements.statement(sql)) as Database['prepare'];
}

function compiledStatementsOf(connection: Database, limit = KEPT_STATEMENTS): CompiledStatements {
  let statements = kept.get(connection);
  if (statements === undefined) {
    statements = new CompiledStatements(connection.prepare.bind(connection) as (sql: string) => Statement, limit);
    kept.set(connection, statements);
  }
  return statements;
}

/** Compiled statements by text, the least recently used dropped past `limit`. */
class CompiledStatements {
  private readonly byText = new Map<string, Statement>();

  constructor(
    private readonly compile: (sql: string) => Statement,
    private readonly limit: number,
  ) {}

  statement(sql: string): Statement {
    let statement = this.byText.get(sql);
    if (statement === undefined) {
      statement = this.compile(sql);
      if (this.byText.size >= this.limit) this.byText.delete(this.byText.keys().next().value as string);
    } else {
      this.byText.delete(sql);
    }
    this.byText.set(sql, statement);
    return statement;
  }
}

/** better-sqlite3 binds numbers, strings, bigints and null; times are stored as epoch milliseconds. */
export function bindable<T extends Record<string, unknown>>(row: T): Record<keyof T, unknown> {
  const out = {} as Record<keyof T, unknown>;
  for (const key in row) {
    const value = row[key];
    out[key] = value instanceof Date ? value.getTime() : value;
  }
  return out;
}
