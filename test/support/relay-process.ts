import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SQLITE, type TestDatabase } from './databases.js';

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

/**
 * For a suite of `npm run relay` runs: each test gets a SQLite database of its own, and the relay it last started
 * (on that database, pointed at NO_BROKER unless `env` says otherwise) is killed after it.
 */
export function relayCliRuns(): { start(env?: Record<string, string>): RelayProcess; database(): TestDatabase } {
  let database: TestDatabase | undefined;
  let relay: RelayProcess | undefined;
  beforeEach(async () => {
    database = await SQLITE.create();
  });
  afterEach(async () => {
    await relay?.kill();
    relay = undefined;
    await database?.drop();
  });
  return {
    start(env = {}) {
      relay = RelayProcess.start('cli', { ...database!.env, KAFKA_BROKERS: NO_BROKER, ...env });
      return relay;
    },
    database: () => database!,
  };
}
