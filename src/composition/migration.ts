import type { Container } from 'inversify';
import type { ServiceConfig } from '../adapters/config/config.js';
import { migrateOrExplain } from './startup-failure.js';
import type { StartupStop } from './startup-stop.js';
import { TYPES } from './types.js';

/**
 * Migrates on the migrations' own database (databaseModule), closed once they ran, or by `startup` when the start is
 * stopped meanwhile; on SQLite that is the one database, which stays open.
 */
export async function migrateOnOwnDatabase(
  container: Container,
  config: ServiceConfig,
  startup: StartupStop,
): Promise<string[]> {
  const migrationDb = container.get(TYPES.MigrationDatabase);
  if (migrationDb === container.get(TYPES.Database)) return migrateOrExplain(migrationDb, config);
  startup.started(() => migrationDb.destroy());
  try {
    return await migrateOrExplain(migrationDb, config);
  } finally {
    await migrationDb.destroy();
  }
}
