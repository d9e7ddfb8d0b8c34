import type { Database, Statement } from 'better-sqlite3';

const caches = new WeakMap<Database, Map<string, Statement>>();

/** The connection's compiled statement for `sql`: compiling costs more than running, so it happens once. */
export function prepared(connection: Database, sql: string): Statement {
  let cache = caches.get(connection);
  if (cache === undefined) {
    cache = new Map();
    caches.set(connection, cache);
  }
  let statement = cache.get(sql);
  if (statement === undefined) {
    statement = connection.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
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
