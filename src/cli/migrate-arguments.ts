/** What `npm run migrate` is asked to do by its arguments: migrate (none), say how (`--help` or `-h` alone), or refuse. */
export type MigrateCommand = { kind: 'migrate' } | { kind: 'help' } | { kind: 'refused'; args: readonly string[] };

export function migrateCommand(args: readonly string[]): MigrateCommand {
  if (args.length === 0) return { kind: 'migrate' };
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) return { kind: 'help' };
  return { kind: 'refused', args };
}
