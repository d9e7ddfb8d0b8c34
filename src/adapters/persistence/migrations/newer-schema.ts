import type { Knex } from 'knex';

const MIGRATIONS_TABLE = 'knex_migrations';

/**
 * The database was migrated by a newer version of the service: it holds migrations this build does not have. This
 * build cannot know whether it still reads and writes that schema correctly, so it refuses it rather than guess.
 */
export class SchemaNewerThanBuild extends Error {
  constructor(readonly unknownMigrations: readonly string[]) {
    super(
      `the database holds migrations this build does not have (${unknownMigrations.join(', ')}): a newer version of the service migrated it; run that version or a later one`,
    );
    this.name = 'SchemaNewerThanBuild';
  }
}

/** Fails with SchemaNewerThanBuild when the database applied a migration that is not among `known`. */
export async function refuseNewerSchema(db: Knex, known: readonly string[]): Promise<void> {
  if (!(await db.schema.hasTable(MIGRATIONS_TABLE))) return;
  const rows: Array<{ name: string }> = await db(MIGRATIONS_TABLE).select('name').orderBy('id');
  const unknown = rows.map((row) => row.name).filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new SchemaNewerThanBuild(unknown);
}
