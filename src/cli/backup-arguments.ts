/** What `npm run backup` is asked to do: copy the database to a file, check a file, say how, or refuse. */
export type BackupCommand =
  | { kind: 'copy'; target: string }
  | { kind: 'check'; file: string }
  | { kind: 'help' }
  | { kind: 'refused'; args: readonly string[] };

export function backupCommand(args: readonly string[]): BackupCommand {
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) return { kind: 'help' };
  if (args.length === 1 && !args[0]!.startsWith('-')) return { kind: 'copy', target: args[0]! };
  if (args.length === 2 && args[0] === '--check' && !args[1]!.startsWith('-')) return { kind: 'check', file: args[1]! };
  return { kind: 'refused', args };
}
