import type { Knex } from 'knex';
import type { PgConnection, QueryConfig } from '../../src/adapters/persistence/postgres/postgres-transaction.js';

interface SentQuery {
  text: string;
  values: readonly unknown[];
}

type QueryMethod = (this: PgConnection, query: string | Partial<QueryConfig>, ...rest: unknown[]) => unknown;

/**
 * The blocks PostgreSQL reads (from its buffers or the disk) to run the queries `work` sends, as EXPLAIN counts
 * them, summed; and how many queries that was. Every query sent on a connection of the pool counts, Knex's or
 * not. Work that sends no query has nothing to measure: it fails.
 */
export async function blocksTouchedBy(
  db: Knex,
  work: () => Promise<unknown>,
): Promise<{ blocks: number; queries: number }> {
  const queries = await queriesSentBy(db, work);
  if (queries.length === 0) throw new Error('the work sent no query to measure');
  let blocks = 0;
  for (const query of queries) {
    const plan = await explained(db, query);
    blocks += plan['Shared Hit Blocks']! + plan['Shared Read Blocks']!;
  }
  return { blocks, queries: queries.length };
}

/** Every query sent on a connection of the pool while `work` ran, Knex's or not, with its parameters. */
export async function queriesSentBy(db: Knex, work: () => Promise<unknown>): Promise<SentQuery[]> {
  const client = await connectionPrototype(db);
  const sent: SentQuery[] = [];
  const query = client.query;
  client.query = function (this: PgConnection, config, ...rest) {
    if (typeof config === 'string') sent.push({ text: config, values: [] });
    else sent.push({ text: config.text!, values: config.values ?? [] });
    return query.call(this, config, ...rest);
  };
  try {
    await work();
  } finally {
    client.query = query;
  }
  return sent;
}

async function connectionPrototype(db: Knex): Promise<{ query: QueryMethod }> {
  const connection = await db.client.acquireConnection();
  try {
    return Object.getPrototypeOf(connection);
  } finally {
    await db.client.releaseConnection(connection);
  }
}

type Plan = Record<string, number>;

async function explained(db: Knex, query: SentQuery): Promise<Plan> {
  const connection = (await db.client.acquireConnection()) as PgConnection;
  try {
    const text = `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.text}`;
    return planOf(await connection.query({ name: '', text, values: [...query.values] }));
  } finally {
    await db.client.releaseConnection(connection);
  }
}

function planOf(result: { rows: unknown[] }): Plan {
  const rows = result.rows as Array<{ 'QUERY PLAN': Array<{ Plan: Plan }> }>;
  return rows[0]!['QUERY PLAN'][0]!.Plan;
}
