import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const server = resolve(dirname(fileURLToPath(import.meta.url)), '../servers/bare-koa.js');

/** Koa and @koa/router answering a start's body with no work behind it (bench/servers/bare-koa.ts), in a process of its own. */
export async function startBareKoa(nodeArgs: readonly string[] = []): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [...nodeArgs, server]);
  const url = await new Promise<string>((ok) =>
    child.stdout.on('data', (d: Buffer) => ok(/"url":"([^"]+)"/.exec(d.toString())![1]!)),
  );
  return { url, stop: () => child.kill('SIGTERM') };
}
