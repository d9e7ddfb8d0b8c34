import type { Database } from 'better-sqlite3';
import type { Knex } from 'knex';
import type { PgConnection } from '../postgres/postgres-transaction.js';
import { prepared } from '../sqlite/prepared-statements.js';
import { statementName } from './planned-once.js';

/**
 * A read Knex builds and compiles once, run afterwards as its text with new values, straight on a connection of
 * Knex's pool: on SQLite a statement the connection compiled once, on PostgreSQL a named statement (planned once,
 * see plannedOnce). For a read repeated many times a second, where Knex's building, compiling and running cost
 * more than the read itself.
 *
 * The query is built with a placeholder value for each of `slots` (values no caller passes), and a run puts each
 * slot's value where its placeholder was bound; a query bound to anything else is refused when it is compiled.
 */
export function compiledRead<Row, Slot extends string>(
  db: Knex,
  query: Knex.QueryBuilder | Knex.Raw,
  slots: Record<Slot, unknown>,
): (values: Record<Slot, unknown>) => Promise<Row[]> {
  const { sql, bindings } = query.toSQL().toNative();
  const order = bindings.map((bound) => slotOf(slots, bound, sql));
  const valuesOf = (values: Record<Slot, unknown>) => order.map((slot) => values[slot]);
  if (db.client.config.client === 'pg') {
    const name = statementName(sql);
    return async (values) => {
      const connection = (await db.client.acquireConnection()) as PgConnection;
      try {
        return (await connection.query<Row>({ name, text: sql, values: valuesOf(values) })).rows;
      } finally {
        await db.client.releaseConnection(connection);
      }
    };
  }
  return async (values) => {
    const connection = (await db.client.acquireConnection()) as Database;
    try {
      return prepared(connection, sql).all(...valuesOf(values)) as Row[];
    } finally {
      await db.client.releaseConnection(connection);
    }
  };
}

function slotOf<Slot extends string>(slots: Record<Slot, unknown>, bound: unknown, sql: string): Slot {
  const slot = (Object.keys(slots) as Slot[]).find((name) => slots[name] === bound);
  if (slot === undefined) throw new Error(`a compiled read binds ${String(bound)}, which is none of its slots: ${sql}`);
  return slot;
}
