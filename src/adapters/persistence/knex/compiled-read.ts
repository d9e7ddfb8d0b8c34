import type { Database } from 'better-sqlite3';
import type { Knex } from 'knex';
import type { PgConnection } from '../postgres/postgres-transaction.js';
import { prepared } from '../sqlite/prepared-statements.js';
import { statementName } from './planned-once.js';

/** Where a read's values go: numbers that no read is made with, one per slot. */
const FIRST_PLACEHOLDER = 987_654_001;

/**
 * A read Knex builds and compiles once, run afterwards as its text with new values, straight on a connection of
 * Knex's pool: on SQLite a statement the connection compiled once, on PostgreSQL a named statement (planned once,
 * see plannedOnce). For a read repeated many times a second, where Knex's building, compiling and running cost
 * more than the read itself.
 *
 * `build` is given a placeholder number for each of `slots` and builds the query with them where its values go; a
 * run puts each slot's value where its placeholder was bound. A query binding anything else is refused here.
 */
export function compiledRead<Row, Slot extends string>(
  db: Knex,
  slots: readonly Slot[],
  build: (placeholders: Record<Slot, number>) => Knex.QueryBuilder | Knex.Raw,
): (values: Record<Slot, unknown>) => Promise<Row[]> {
  const placeholders = placeholdersFor(slots);
  const { sql, bindings } = build(placeholders).toSQL().toNative();
  const order = bindings.map((bound) => slotOf(placeholders, bound, sql));
  const run: (connection: unknown, values: unknown[]) => Row[] | Promise<Row[]> =
    db.client.config.client === 'pg'
      ? runNamed<Row>(statementName(sql), sql)
      : (connection, values) => prepared(connection as Database, sql).all(...values) as Row[];
  return async (values) => {
    const connection = await db.client.acquireConnection();
    try {
      return await run(
        connection,
        order.map((slot) => values[slot]),
      );
    } finally {
      await db.client.releaseConnection(connection);
    }
  };
}

function placeholdersFor<Slot extends string>(slots: readonly Slot[]): Record<Slot, number> {
  return Object.fromEntries(slots.map((slot, i) => [slot, FIRST_PLACEHOLDER + i])) as Record<Slot, number>;
}

function runNamed<Row>(name: string, text: string) {
  return async (connection: unknown, values: unknown[]): Promise<Row[]> =>
    (await (connection as PgConnection).query<Row>({ name, text, values })).rows;
}

function slotOf<Slot extends string>(placeholders: Record<Slot, number>, bound: unknown, sql: string): Slot {
  const slot = (Object.keys(placeholders) as Slot[]).find((name) => placeholders[name] === bound);
  if (slot === undefined) throw new Error(`a compiled read binds ${String(bound)}, which is none of its slots: ${sql}`);
  return slot;
}
