import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KAFKA_SCRIPT = fileURLToPath(new URL('../../../scripts/kafka.sh', import.meta.url));

/** A single-node broker run by scripts/kafka.sh on free ports, with a fresh data directory of its own. */
export class LocalKafkaBroker {
  private static readonly running = new Set<LocalKafkaBroker>();

  private constructor(
    readonly brokers: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dataDir: string,
  ) {}

  /** Fails (never skips) when the broker cannot start: the error carries the script's output. */
  static async launch(): Promise<LocalKafkaBroker> {
    const dataDir = mkdtempSync(join(tmpdir(), 'campaign-kafka-test-'));
    const [port, controllerPort] = await freePorts(2);
    const env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_DATA_DIR: dataDir,
    };
    const broker = new LocalKafkaBroker(`127.0.0.1:${port}`, env, dataDir);
    LocalKafkaBroker.running.add(broker);
    await broker.start();
    return broker;
  }

  /** Stops every broker still running and removes its data; for the end of the run. */
  static async stopAll(): Promise<void> {
    await Promise.all([...LocalKafkaBroker.running].map((broker) => broker.remove()));
  }

  /** The last resort when the process exits without the teardown having run. */
  static stopAllNow(): void {
    for (const broker of LocalKafkaBroker.running) {
      spawnSync('bash', [KAFKA_SCRIPT, 'stop'], { env: broker.env, stdio: 'ignore' });
      rmSync(broker.dataDir, { recursive: true, force: true });
    }
    LocalKafkaBroker.running.clear();
  }

  start(): Promise<void> {
    return this.script('start');
  }

  stop(): Promise<void> {
    return this.script('stop');
  }

  async remove(): Promise<void> {
    LocalKafkaBroker.running.delete(this);
    try {
      await this.stop();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  private script(command: 'start' | 'stop'): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile('bash', [KAFKA_SCRIPT, command], { env: this.env }, (error, stdout, stderr) => {
        if (error === null) return resolve();
        reject(new Error(`scripts/kafka.sh ${command} failed (${error.message.split('\n')[0]}):\n${stdout}${stderr}`));
      });
    });
  }
}

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
