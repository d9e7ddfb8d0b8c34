import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '../support/expect.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

/** Declaration files only describe modules (the console's vendor/*.d.ts give the copied library its package's types). */
function isCode(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.d.ts');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : isCode(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** Every import of every file below `layer` that leaves the folders it may use. */
function leaks(layer: string, allowed: string[], base = 'src'): string[] {
  const layerDir = join(root, base, layer);
  const allowedDirs = allowed.map((a) => join(root, base, a));
  return sourceFiles(layerDir).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(IMPORT)]
      .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
      .filter((specifier) => {
        if (!specifier.startsWith('.')) return true;
        const target = resolve(dirname(file), specifier);
        return !allowedDirs.some((dir) => target === dir || target.startsWith(`${dir}/`));
      })
      .map((specifier) => `${relative(root, file)} imports ${specifier}`);
  });
}

describe('The dependency rule', () => {
  it('keeps src/domain free of everything outside itself (no frameworks, no I/O, no node modules)', () => {
    expect(leaks('domain', ['domain'])).to.deep.equal([]);
  });

  it('lets src/application import only itself and the domain', () => {
    expect(leaks('application', ['application', 'domain'])).to.deep.equal([]);
  });

  it('keeps the console a client of the API: it imports only itself and the UI library copied beside it', () => {
    expect(leaks('src', ['src'], 'console')).to.deep.equal([]);
  });

  it('is really checked: an import of a framework is seen as a leak', () => {
    const sample = "import Koa from 'koa';\nimport { x } from '../adapters/http/app.js';\n";
    expect([...sample.matchAll(IMPORT)].map((m) => m[1])).to.deep.equal(['koa', '../adapters/http/app.js']);
  });
});
