import { type Stats, statSync } from 'node:fs';
import type { Knex } from 'knex';
import { causeCodes } from '../../logging/one-line-cause.js';

/**
 * The SQLite file no longer at its path is not the one the service writes: deleted, moved or replaced while the
 * service ran, or its path can no longer be looked at (`cause`: a directory on it made unreadable, or replaced by a
 * link that loops). A write acknowledged now would be in no file a restart opens.
 */
export class DatabaseFileMoved extends Error {
  override readonly name = 'DatabaseFileMoved';
  /** The message without the file's path, for answers that need no token. */
  readonly withoutPath: string;

  constructor(
    readonly file: string,
    cause?: unknown,
  ) {
    super(movedMessage(file, cause), cause === undefined ? undefined : { cause });
    this.withoutPath = movedMessage('of DATABASE_URL', cause);
  }
}

function movedMessage(file: string, cause: unknown): string {
  return cause === undefined
    ? `the SQLite database file ${file} is not the file the service opened: it was deleted, moved or replaced while the service ran; put it back before the service is restarted, since what it wrote is in the file it opened`
    : `the SQLite database file ${file} cannot be looked at (${causeCodes(cause)}), so nothing says it is still the file the service opened: put its path back as it was before the service is restarted, since what it wrote is in the file it opened`;
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
    let now: Stats | undefined;
    try {
      now = statSync(this.path, { throwIfNoEntry: false });
    } catch (error) {
      return new DatabaseFileMoved(this.path, error);
    }
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
