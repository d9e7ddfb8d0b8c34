import type { Knex } from 'knex';
import type { OutboxSignal, UnitOfWork } from '../../application/index.js';
import { PostgresUnitOfWork } from './postgres/postgres-unit-of-work.js';
import { type GroupCommitOptions, SqliteGroupCommitUnitOfWork } from './sqlite/sqlite-group-commit-unit-of-work.js';

/** The unit of work the service runs on this database: the group commit on SQLite, prepared statements on PostgreSQL. */
export function serviceUnitOfWork(
  kind: 'sqlite' | 'postgres',
  db: Knex,
  signal?: OutboxSignal,
  sqlite: GroupCommitOptions = {},
): UnitOfWork {
  return kind === 'sqlite' ? new SqliteGroupCommitUnitOfWork(db, signal, sqlite) : new PostgresUnitOfWork(db, signal);
}
