import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const SCRIPTS = {
  /** The relay as operators run it. */
  cli: fileURLToPath(new URL('../../src/cli/relay.js', import.meta.url)),
  dyingAfterPublish: fileURLToPath(new URL('./relay-dying-after-publish.js', import.meta.url)),
};

/** A broker address nothing answers on: a relay given it starts, and waits for it. */
export const NO_BROKER = '127.0.0.1:9';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** An outbox relay in a process of its own, with the last of its output kept for failure messages. */
export class RelayProcess {
  readonly output: string[] = [];
  private readonly exit: Promise<Exit>;

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = once(child, 'exit').then(([code, signal]) => ({ code, signal }) as Exit);
  }

  static start(script: keyof typeof SCRIPTS, env: Record<string, string>): RelayProcess {
    return new RelayProcess(
      spawn(process.execPath, [SCRIPTS[script]], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } }),
    );
  }

  exited(): Promise<Exit> {
    return this.exit;
  }

  /** SIGTERM: the relay finishes its batch and exits. */
  stop(): Promise<Exit> {
    this.child.kill('SIGTERM');
    return this.exit;
  }

  kill(): Promise<Exit> {
    this.child.kill('SIGKILL');
    return this.exit;
  }
}
