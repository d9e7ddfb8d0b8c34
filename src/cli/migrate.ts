import { loadConfig } from '../adapters/config/config.js';
import { openDatabase } from '../adapters/persistence/knex/open-database.js';
import { createLogger } from '../composition/logger.js';
import { migrateOrExplain } from '../composition/startup-failure.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = openDatabase(config.database, createLogger(config.logLevel));
  try {
    const applied = await migrateOrExplain(db, config);
    process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
