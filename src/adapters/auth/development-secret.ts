import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectories } from '../system/directories.js';

export const DEVELOPMENT_SECRET_FILE = 'dev-auth-secret';

/** The HS256 secret of a development setup: made once, kept in the data directory, readable by its owner only. */
export function loadOrCreateDevelopmentSecret(dataDir: string): string {
  const path = join(dataDir, DEVELOPMENT_SECRET_FILE);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  makeDirectories(dataDir);
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw error;
  }
}
