import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const server = resolve(dirname(fileURLToPath(import.meta.url)), '../servers/bare-koa.js');

export interface BareKoa {
  url: string;
  stop(): void;
}

/**
 * Koa and @koa/router answering a start's body with no work behind it (bench/servers/bare-koa.ts), in a process of
 * its own; rejects if that process ends before it listens.
 */
export async function startBareKoa(nodeArgs: readonly string[] = []): Promise<BareKoa> {
  const child = spawn(process.execPath, [...nodeArgs, server], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((listening, failed) => {
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const address = /"url":"([^"]+)"/.exec(printed)?.[1];
      if (address !== undefined) listening(address);
    });
    child.once('error', failed);
    child.once('exit', (code, signal) => failed(new Error(`bare Koa ended before it listened (${signal ?? code})`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}
