import type { Knex } from 'knex';

/**
 * The blocks PostgreSQL reads (from its buffers or the disk) to run the queries `work` sends, as EXPLAIN counts
 * them, summed; and how many queries that was.
 */
export async function blocksTouchedBy(
  db: Knex,
  work: () => Promise<unknown>,
): Promise<{ blocks: number; queries: number }> {
  const queries: Array<{ sql: string; bindings: readonly Knex.RawBinding[] }> = [];
  const listener = (query: { sql: string; bindings?: readonly Knex.RawBinding[] }) =>
    queries.push({ sql: query.sql, bindings: query.bindings ?? [] });
  db.on('query', listener);
  try {
    await work();
  } finally {
    db.off('query', listener);
  }
  let blocks = 0;
  for (const query of queries) {
    // The event gives the statement as sent, with PostgreSQL's numbered placeholders: back to Knex's.
    const sql = query.sql.replace(/\$\d+/g, '?');
    const { rows } = await db.raw(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, query.bindings);
    const plan = (rows as Array<{ 'QUERY PLAN': Array<{ Plan: Record<string, number> }> }>)[0]!['QUERY PLAN'][0]!.Plan;
    blocks += plan['Shared Hit Blocks']! + plan['Shared Read Blocks']!;
  }
  return { blocks, queries: queries.length };
}
