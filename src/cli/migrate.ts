import { ConfigError, loadConfig } from '../adapters/config/config.js';
import { openDatabase } from '../adapters/persistence/knex/open-database.js';
import { migrateToLatest } from '../adapters/persistence/migrations/index.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = openDatabase(config.database);
  try {
    const applied = await migrateToLatest(db);
    process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
