import { statSync } from 'node:fs';
import type { Knex } from 'knex';

/**
 * The SQLite file no longer at its path is not the one the service writes: deleted, moved or replaced while the
 * service ran. A write acknowledged now would be in no file a restart opens.
 */
export class DatabaseFileMoved extends Error {
  override readonly name = 'DatabaseFileMoved';
  /** The message without the file's path, for answers that need no token. */
  readonly withoutPath = movedMessage('of DATABASE_URL');

  constructor(readonly file: string) {
    super(movedMessage(file));
  }
}

function movedMessage(file: string): string {
  return `the SQLite database file ${file} is not the file the service opened: it was deleted, moved or replaced while the service ran; put it back before the service is restarted, since what it wrote is in the file it opened`;
}

/** A database file as the file system knew it when the service opened it. */
class OpenedFile {
  private constructor(
    private readonly path: string,
    private readonly device: number,
    private readonly inode: number,
  ) {}

  static at(path: string): OpenedFile {
    const { dev, ino } = statSync(path);
    return new OpenedFile(path, dev, ino);
  }

  /** The problem when the path names another file, or none; undefined while it is the file opened. */
  problem(): DatabaseFileMoved | undefined {
    const now = statSync(this.path, { throwIfNoEntry: false });
    return now !== undefined && now.dev === this.device && now.ino === this.inode
      ? undefined
      : new DatabaseFileMoved(this.path);
  }
}

const openedFiles = new WeakMap<Knex, OpenedFile>();

/** Remembers which file `db` opened at `path`. */
export function rememberOpenedFile(db: Knex, path: string): void {
  openedFiles.set(db, OpenedFile.at(path));
}

/** Why `db`'s file cannot take writes any more, if it was moved; undefined otherwise, and for PostgreSQL. */
export function openedFileProblem(db: Knex): DatabaseFileMoved | undefined {
  return openedFiles.get(db)?.problem();
}
