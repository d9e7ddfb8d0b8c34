import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Makes `path` and its missing parents, as `mkdir -p` does, and always ends: Node's own recursive `mkdirSync`
 * retries for ever where the system answers ENOENT for a directory whose parent exists (under /proc, say).
 * A failure throws the system's error, naming the path it could not make or read.
 */
export function makeDirectories(path: string): void {
  const missing: string[] = [];
  let current = resolve(path);
  let found = statSync(current, { throwIfNoEntry: false });
  while (found === undefined && dirname(current) !== current) {
    missing.push(current);
    current = dirname(current);
    found = statSync(current, { throwIfNoEntry: false });
  }
  // A file where a directory belongs: mkdir says why, EEXIST or ENOTDIR, as `mkdir -p` does.
  if (found !== undefined && !found.isDirectory()) mkdirSync(current);
  for (const directory of missing.reverse()) {
    try {
      mkdirSync(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
