// The console's page, its style and the UI library's ES modules, next to the console's compiled scripts.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const out = new URL('dist/console/', root);
const vendor = new URL('vendor/', out);
mkdirSync(vendor, { recursive: true });

for (const file of ['index.html', 'console.css', 'icon.svg'])
  copyFileSync(new URL(`console/${file}`, root), new URL(file, out));

const libraries = [
  { from: 'preact/dist/preact.mjs', to: 'preact.js', imports: {} },
  { from: 'preact/hooks/dist/hooks.mjs', to: 'preact-hooks.js', imports: { preact: './preact.js' } },
  { from: 'htm/dist/htm.module.js', to: 'htm.js', imports: {} },
];
for (const library of libraries) {
  let text = readFileSync(new URL(`node_modules/${library.from}`, root), 'utf8');
  // Browsers resolve only relative specifiers without an import map (an inline script the CSP forbids).
  for (const [specifier, relative] of Object.entries(library.imports)) {
    const bare = new RegExp(`from\\s*"${specifier}"`, 'g');
    if ((text.match(bare) ?? []).length !== 1)
      throw new Error(`${library.from}: expected one import of "${specifier}"`);
    text = text.replace(bare, `from"${relative}"`);
  }
  text = text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
  writeFileSync(new URL(library.to, vendor), text);
}
