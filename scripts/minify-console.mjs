// The console's compiled modules minified one by one, in place: still served as separate ES modules, never bundled.
// The UI library's files, copied into vendor/ as their packages ship them, are minified already.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const out = fileURLToPath(new URL('../dist/console/', import.meta.url));

for (const entry of readdirSync(out, { recursive: true, withFileTypes: true })) {
  const file = join(entry.parentPath, entry.name);
  if (!entry.isFile() || !file.endsWith('.js') || relative(out, file).startsWith('vendor')) continue;
  const { code } = transformSync(readFileSync(file, 'utf8'), { minify: true, format: 'esm', target: 'es2022' });
  writeFileSync(file, code);
}
