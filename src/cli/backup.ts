import { loadConfig } from '../adapters/config/config.js';
import { type CopyContents, contentsOf, copyDatabase } from '../adapters/persistence/sqlite/sqlite-backup.js';
import { backupCommand } from './backup-arguments.js';

const USAGE = `usage: npm run backup -- <file>           copy the SQLite database (DATABASE_URL) to <file>, a path that does not exist
       npm run backup -- --check <file>   check a copy (before putting it in place) and say what it holds
The copy may be taken while the service runs: it holds every change committed before it began, the
write-ahead log's included. On PostgreSQL use pg_dump (docs/operations.md, Backing up and restoring).
`;

function described(file: string, contents: CopyContents): string {
  const { integrity, campaigns, events, unpublishedEvents } = contents;
  return `${file}: integrity ${integrity}; ${campaigns} campaigns, ${events} events in the outbox, ${unpublishedEvents} of them not yet published\n`;
}

function main(): void {
  const command = backupCommand(process.argv.slice(2));
  if (command.kind === 'help') return void process.stdout.write(USAGE);
  if (command.kind === 'refused') {
    process.stderr.write(
      `npm run backup cannot take ${command.args.join(' ') || 'no arguments'}: nothing was done\n${USAGE}`,
    );
    process.exit(2);
  }
  if (command.kind === 'check') {
    const contents = contentsOf(command.file);
    process.stdout.write(described(command.file, contents));
    process.exit(contents.integrity === 'ok' ? 0 : 1);
  }
  const { database } = loadConfig();
  if (database.kind !== 'sqlite') {
    process.stderr.write(
      `npm run backup copies a SQLite database; DATABASE_URL names PostgreSQL: use pg_dump\n${USAGE}`,
    );
    process.exit(2);
  }
  const contents = copyDatabase(database.filename, command.target);
  process.stdout.write(described(command.target, contents));
  process.exit(contents.integrity === 'ok' ? 0 : 1);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
