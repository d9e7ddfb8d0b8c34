import { loadConfig } from '../adapters/config/config.js';
import { openDatabase } from '../adapters/persistence/knex/open-database.js';
import { createLogger } from '../composition/logger.js';
import { migrateOrExplain } from '../composition/startup-failure.js';
import { migrateCommand } from './migrate-arguments.js';

const USAGE = `usage: npm run migrate
Applies every migration this build has that the database (DATABASE_URL, DATABASE_SCHEMA) lacks, then exits.
It takes no arguments: there is no rollback; going back to an older version needs that version's database
(docs/operations.md, Upgrading).
`;

async function main(): Promise<void> {
  const command = migrateCommand(process.argv.slice(2));
  if (command.kind === 'help') return void process.stdout.write(USAGE);
  if (command.kind === 'refused') {
    process.stderr.write(
      `npm run migrate takes no arguments (got ${command.args.join(' ')}): nothing was done\n${USAGE}`,
    );
    process.exit(2);
  }
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
