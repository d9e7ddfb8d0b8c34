// The console's compiled modules minified one by one, in place: still served as separate ES modules, never bundled.
// It runs before copy-console-assets.mjs puts the UI library's files beside them, as their packages ship them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const out = fileURLToPath(new URL('../dist/console/', import.meta.url));

for (const entry of readdirSync(out, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
  const file = join(entry.parentPath, entry.name);
  const { code } = transformSync(readFileSync(file, 'utf8'), { minify: true, format: 'esm', target: 'es2022' });
  writeFileSync(file, code);
}
