import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `dist/src/main.js`: the service's entry point. */
export const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/main.js');

/** The service as operators run it: `node dist/src/main.js` in a process of its own. */
export class ServiceProcess {
  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly url: string,
    readonly output: string[],
  ) {}

  /**
   * Starts the process and waits for its "listening" log line, so LOG_LEVEL must let info lines through.
   * `nodeArgs` go to node before the script (a benchmark profiles the service with `--cpu-prof`); `main` is another
   * build's entry point (a benchmark's baseline).
   */
  static async start(
    env: Record<string, string>,
    readyTimeoutMs = 20_000,
    nodeArgs: readonly string[] = [],
    main = MAIN,
  ): Promise<ServiceProcess> {
    const child = spawn(process.execPath, [...nodeArgs, main], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    });
    const output: string[] = [];
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`service did not start:\n${output.join('')}`)), readyTimeoutMs);
      let listening = false;
      child.stdout.on('data', (chunk: Buffer) => {
        output.push(chunk.toString());
        if (output.length > 200) output.splice(0, output.length - 200);
        // Searched only until found: a benchmark's request log would otherwise be joined and scanned per chunk.
        if (listening) return;
        const match = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"campaign service listening"/.exec(output.join(''));
        if (match) {
          listening = true;
          clearTimeout(timer);
          resolveUrl(match[1]!);
        }
      });
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`service exited with ${code} before it listened:\n${output.join('')}`));
      });
    });
    return new ServiceProcess(child, url, output);
  }

  /** Sends SIGTERM and answers the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const [code] = (await once(this.child, 'exit')) as [number | null];
    return code;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
