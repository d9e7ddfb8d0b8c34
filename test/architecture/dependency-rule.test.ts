import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '../support/expect.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

/** Declaration files only describe modules (the console's vendor/*.d.ts give the copied library its package's types). */
function isCode(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.d.ts');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : isCode(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** Every import of every file below `layer` that leaves the folders it may use (or names a package, unless `packages`). */
function leaks(layer: string, allowed: string[], base = 'src', packages = false): string[] {
  const layerDir = join(root, base, layer);
  const allowedDirs = allowed.map((a) => join(root, base, a));
  return sourceFiles(layerDir).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(IMPORT)]
      .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
      .filter((specifier) => {
        if (!specifier.startsWith('.')) return !packages;
        const target = resolve(dirname(file), specifier);
        return !allowedDirs.some((dir) => target === dir || target.startsWith(`${dir}/`));
      })
      .map((specifier) => `${relative(root, file)} imports ${specifier}`);
  });
}

/** The files of `src` each file imports (type-only imports and re-exports included), as paths relative to the root. */
function importGraph(files: string[]): Map<string, string[]> {
  return new Map(
    files.map((file) => {
      const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)]
        .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => sourceOf(resolve(dirname(file), specifier)))
        .filter((target): target is string => target !== undefined)
        .map((target) => relative(root, target));
      return [relative(root, file), targets];
    }),
  );
}

/** `./x.js` is `./x.ts` in the source, `./x` its `index.ts`. */
function sourceOf(target: string): string | undefined {
  return [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')].find(
    (candidate) => existsSync(candidate) && candidate.endsWith('.ts'),
  );
}

/** Every import cycle of the graph, each as the files around it from its first file back to that file. */
function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') found.push([...path.slice(path.indexOf(target)), target].join(' → '));
      else if (state.get(target) === undefined) visit(target);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (state.get(file) === undefined) visit(file);
  return found;
}

/** File names used in more than one folder of `src`; a folder's `index.ts` (its public face) aside. */
function sharedNames(files: string[]): string[] {
  const folders = new Map<string, string[]>();
  for (const file of files) {
    const name = basename(file);
    if (name === 'index.ts') continue;
    folders.set(name, [...(folders.get(name) ?? []), relative(root, file)]);
  }
  return [...folders.values()].filter((places) => places.length > 1).map((places) => places.join(' and '));
}

/** A call that schedules work on wall-clock time: a timer. */
const TIMER = /\b(?:setTimeout|setInterval|setImmediate)\s*\(/g;

/** Every timer that a file below `layer` of src sets, as the file and the call. */
function timers(layer: string): string[] {
  return sourceFiles(join(root, 'src', layer)).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(TIMER)].map((m) => `${relative(root, file)} calls ${m[0]}`),
  );
}

/** The compiled files `entry` loads when it runs, and the packages they import; type-only imports are gone from them. */
function loadedBy(entry: string, { dynamic = true } = {}): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (!dynamic && m[2] !== undefined) continue;
      const specifier = m[1] ?? m[2] ?? m[3] ?? '';
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  };
  visit(join(root, 'dist', entry));
  return { files: [...files].map((file) => relative(join(root, 'dist'), file)), packages: [...packages] };
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

  it('keeps the adapters from importing the composition root: it wires them, not the other way round', () => {
    expect(leaks('adapters', ['adapters', 'application', 'domain'], 'src', true)).to.deep.equal([]);
  });

  it('has no import cycle anywhere in src', () => {
    expect(cycles(importGraph(sourceFiles(join(root, 'src'))))).to.deep.equal([]);
  });

  it('is really checked for cycles: two files that import each other are one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'a.ts']],
      ['c.ts', []],
    ]);
    expect(cycles(graph)).to.deep.equal(['a.ts → b.ts → a.ts']);
  });

  it('lets npm run relay load nothing of HTTP, Koa or the service it runs beside, unless RELAY_PORT asks for its probes', () => {
    const relay = loadedBy('src/cli/relay.js', { dynamic: false });
    expect(relay.files).to.include('src/composition/messaging-module.js');
    // The configuration reads the HTTP time limits' defaults from server-limits.js, a file of constants.
    const http = relay.files.filter(
      (file) => file.startsWith('src/adapters/http/') && file !== 'src/adapters/http/server-limits.js',
    );
    expect(http).to.deep.equal([]);
    expect(
      relay.files.filter((file) => /composition\/(service|use-case-module|service-module)\.js$/.test(file)),
    ).to.deep.equal([]);
    expect(relay.packages.filter((name) => ['koa', '@koa/router', 'jose'].includes(name))).to.deep.equal([]);

    const probed = loadedBy('src/cli/relay.js');
    expect(probed.files).to.include('src/composition/relay-operations.js');
    expect(
      probed.files.filter((file) => /composition\/(service|use-case-module|service-module)\.js$/.test(file)),
    ).to.deep.equal([]);
    expect(probed.files.filter((file) => /adapters\/(auth\/token|http\/campaign-)/.test(file))).to.deep.equal([]);
    expect(probed.packages).to.not.include('jose');
  });

  it('gives no two files of src the same name, whatever their layers', () => {
    expect(sharedNames(sourceFiles(join(root, 'src')))).to.deep.equal([]);
  });

  it('keeps timers out of src/application: it decides how long to wait, a driver of the composition root waits', () => {
    expect(timers('application')).to.deep.equal([]);
    expect(timers('domain')).to.deep.equal([]);
  });

  it('is really checked for timers: a timeout, an interval and an immediate are each seen', () => {
    const sample =
      'setTimeout(wake, ms);\nconst renewal = setInterval (renew, 5);\nsetImmediate(resolve);\nclearTimeout(t);\n';
    expect(sample.match(TIMER)).to.deep.equal(['setTimeout(', 'setInterval (', 'setImmediate(']);
  });

  it('runs the relay from the composition root: its policy is built beside the loop that drives it, nowhere else', () => {
    const builders = sourceFiles(join(root, 'src'))
      .filter((file) => /\bnew RelayPolicy\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(builders).to.deep.equal(['src/composition/relay-loop.ts']);
  });

  it('is really checked: an import of a framework is seen as a leak', () => {
    const sample = "import Koa from 'koa';\nimport { x } from '../adapters/http/app.js';\n";
    expect([...sample.matchAll(IMPORT)].map((m) => m[1])).to.deep.equal(['koa', '../adapters/http/app.js']);
  });
});
