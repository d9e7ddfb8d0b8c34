import type { Knex } from 'knex';

/** PostgreSQL's codes for a schema that exists already: two instances creating it at once can meet either. */
const ALREADY_THERE = new Set(['42P06', '23505']);

/**
 * Creates the PostgreSQL schema the service was told to use (`DATABASE_SCHEMA`) when it does not exist yet, as the
 * SQLite file is created: without it, every table would be created nowhere. A user without the right to create it
 * is told which schema and why.
 */
export async function ensureNamedSchema(db: Knex): Promise<void> {
  if (db.client.config.client !== 'pg') return;
  const searchPath = (db.client.config as Knex.Config).searchPath;
  const schema = Array.isArray(searchPath) ? searchPath[0] : searchPath;
  if (schema === undefined) return;
  // Asked first: CREATE SCHEMA IF NOT EXISTS needs the right to create one even when it exists.
  const found = await db.raw('SELECT 1 FROM pg_namespace WHERE nspname = ?', [schema]);
  if (found.rows.length > 0) return;
  try {
    await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
  } catch (error) {
    if (ALREADY_THERE.has((error as { code?: string }).code ?? '')) return;
    throw new Error(
      `DATABASE_SCHEMA "${schema}" does not exist and could not be created: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
