import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET } from './test-service.js';

/** The built entry points (`main.js`, `cli/relay.js`, ...). */
const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

export interface Exit {
  code: number | null;
  /** What it wrote on stdout and stderr, line by line, empty lines left out. */
  lines: string[];
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the service's scripts (`main.js`, `cli/migrate.js`, ...) with a bare environment (a test secret, any
 * port on 127.0.0.1, the given `env` over them) until it exits, killed after 15 s.
 */
export async function runToExit(
  script: string,
  env: Record<string, string>,
  options: { cwd: string; uid?: number; gid?: number; args?: string[] },
): Promise<Exit> {
  const { args = [], ...spawnOptions } = options;
  const child = spawn(process.execPath, [join(DIST, script), ...args], {
    ...spawnOptions,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', AUTH_JWT_SECRET: TEST_SECRET, ...env },
  });
  let [output, stdout, stderr] = ['', '', ''];
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, lines: output.split('\n').filter((line) => line.trim() !== ''), stdout, stderr };
}
