import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Router from '@koa/router';
import { EXACT_PATHS } from './exact-paths.js';

/**
 * The console may run only the scripts and styles it ships, may talk only to this origin, and may not be framed:
 * no inline script or style, no eval, no plugins, no base or form tricks.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface ConsoleAsset {
  type: string;
  body: Buffer;
}

/** The built console (`npm run build` puts it in dist/console), read once into memory: a few dozen KiB. */
export function loadConsoleAssets(
  dir = fileURLToPath(new URL('../../../console/', import.meta.url)),
): Map<string, ConsoleAsset> {
  if (!existsSync(join(dir, 'index.html')))
    throw new Error(`The console is not built: ${dir} has no index.html (run npm run build)`);
  const assets = new Map<string, ConsoleAsset>();
  for (const file of filesBelow(dir)) {
    const type = CONTENT_TYPES[extname(file)];
    if (type !== undefined) assets.set(relative(dir, file).split('\\').join('/'), { type, body: readFileSync(file) });
  }
  return assets;
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesBelow(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** `/console/` (the page) and each of its files by exact path under each mount point; `/console` itself redirects there so relative URLs resolve. */
export function consoleRouter(mounts: readonly string[], assets: ReadonlyMap<string, ConsoleAsset>): Router {
  const router = new Router(EXACT_PATHS);
  for (const mount of mounts) {
    const root = `${mount}/console`;
    router.get(root, (ctx) => {
      ctx.status = 308;
      ctx.redirect(`${root}/`);
    });
    for (const [name, asset] of assets) {
      router.get(`${root}/${name === 'index.html' ? '' : name}`, (ctx) => {
        ctx.set('Content-Security-Policy', CONSOLE_CSP);
        ctx.set('X-Frame-Options', 'DENY');
        ctx.set('Referrer-Policy', 'no-referrer');
        ctx.type = asset.type;
        ctx.body = asset.body;
      });
    }
  }
  return router;
}
