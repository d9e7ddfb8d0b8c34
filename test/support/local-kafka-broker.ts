import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KAFKA_SCRIPT = fileURLToPath(new URL('../../../scripts/kafka.sh', import.meta.url));

/** The user a secure broker's SASL_SSL listener knows. */
export const SECURE_USER = { username: 'campaigns', password: 'campaigns-secret-7' };

/** A single-node broker run by scripts/kafka.sh on free ports, with a fresh data directory of its own. */
export class LocalKafkaBroker {
  private static readonly running = new Set<LocalKafkaBroker>();

  private constructor(
    readonly brokers: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dataDir: string,
    /** With `secure`, its SASL_SSL listener (the PLAIN mechanism, SECURE_USER), and the PEM its certificate is trusted by. */
    readonly secure?: { brokers: string; caFile: string },
  ) {}

  /**
   * Fails (never skips) when the broker cannot start: the error carries the script's output. With `secure`, it also
   * listens for SASL_SSL clients (scripts/kafka.sh, KAFKA_SECURE_PORT).
   */
  static async launch({ secure = false } = {}): Promise<LocalKafkaBroker> {
    const dataDir = mkdtempSync(join(tmpdir(), 'campaign-kafka-test-'));
    const [port, controllerPort, securePort] = await freePorts(secure ? 3 : 2);
    const env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_DATA_DIR: dataDir,
      ...(secure
        ? {
            KAFKA_SECURE_PORT: String(securePort),
            KAFKA_SASL_USER: SECURE_USER.username,
            KAFKA_SASL_SECRET: SECURE_USER.password,
          }
        : {}),
    };
    const broker = new LocalKafkaBroker(
      `127.0.0.1:${port}`,
      env,
      dataDir,
      secure ? { brokers: `127.0.0.1:${securePort}`, caFile: join(dataDir, 'tls', 'ca.pem') } : undefined,
    );
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
