import type { Knex } from 'knex';

/** A name for each text named so far in this process: one text, one name, and never one name for two texts. */
const names = new Map<string, string>();

/**
 * The query as a statement PostgreSQL parses and plans once per connection: a named statement, with one name for
 * each text, so two texts never share a name. Planning a list's two statements took longer than running them (0.4–0.8 ms
 * against 0.2–0.4 ms), and after five runs PostgreSQL keeps a generic plan where it costs no more than the custom
 * ones. Only for reads whose best plan does not depend on the values bound (a page in id order, a campaign by id,
 * a campaign's events), whose texts are few. Elsewhere the query is left as it is: SQLite's connection keeps what it
 * compiled by itself.
 */
export function plannedOnce<Query extends Knex.QueryBuilder | Knex.Raw>(db: Knex, query: Query): Query {
  if (db.client.config.client !== 'pg') return query;
  return query.options({ name: statementName(query.toSQL().sql) }) as Query;
}

/** The name of a read's text: the same for the same text, another for another. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `read_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}
