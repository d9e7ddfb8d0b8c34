import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectories } from '../system/directories.js';

export const DEVELOPMENT_SECRET_FILE = 'dev-auth-secret';

/** The shortest HS256 secret taken, from AUTH_JWT_SECRET or the development secret's file (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;

/** The HS256 secret of a development setup: made once, kept in the data directory, readable by its owner only. */
export function loadOrCreateDevelopmentSecret(dataDir: string): string {
  const path = join(dataDir, DEVELOPMENT_SECRET_FILE);
  try {
    return usableSecret(readFileSync(path, 'utf8').trim(), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  makeDirectories(dataDir);
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return usableSecret(readFileSync(path, 'utf8').trim(), path);
    throw error;
  }
}

/** A file emptied or cut short (a full disk, an editor) holds no secret to sign with: said, never signed with. */
function usableSecret(secret: string, path: string): string {
  const bytes = Buffer.byteLength(secret);
  if (bytes >= MIN_SECRET_BYTES) return secret;
  throw new Error(
    `${path} holds ${bytes} bytes, not a secret of at least ${MIN_SECRET_BYTES}: delete it, and a new one is made`,
  );
}
