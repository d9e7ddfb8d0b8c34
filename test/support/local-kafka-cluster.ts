import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from './local-kafka-broker.js';

const KAFKA_SCRIPT = fileURLToPath(new URL('../../../scripts/kafka.sh', import.meta.url));

/** Nodes of the test cluster: each broker and controller, so two of them make a quorum. */
export const CLUSTER_NODES = 3;

/**
 * A three-node KRaft cluster run by scripts/kafka.sh (KAFKA_NODES=3) on free ports, with small heaps and a fresh
 * data directory. A node can be killed (SIGKILL) and brought back.
 */
export class LocalKafkaCluster {
  private static readonly running = new Set<LocalKafkaCluster>();

  private constructor(
    /** Bootstrap servers of every node, as KAFKA_BROKERS takes them. */
    readonly brokers: string,
    /** The client port of each node, node 1 first. */
    readonly ports: readonly number[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly dataDir: string,
  ) {}

  static async launch(): Promise<LocalKafkaCluster> {
    const dataDir = mkdtempSync(join(tmpdir(), 'campaign-kafka-cluster-test-'));
    const ports = await freePorts(2 * CLUSTER_NODES);
    const clientPorts = ports.slice(0, CLUSTER_NODES);
    const env = {
      ...process.env,
      KAFKA_NODES: String(CLUSTER_NODES),
      KAFKA_PORTS: clientPorts.join(','),
      KAFKA_CONTROLLER_PORTS: ports.slice(CLUSTER_NODES).join(','),
      KAFKA_DATA_DIR: dataDir,
      KAFKA_HEAP_OPTS: '-Xms128m -Xmx256m',
    };
    const cluster = new LocalKafkaCluster(
      clientPorts.map((port) => `127.0.0.1:${port}`).join(','),
      clientPorts,
      env,
      dataDir,
    );
    LocalKafkaCluster.running.add(cluster);
    await cluster.startAll();
    return cluster;
  }

  static async stopAll(): Promise<void> {
    await Promise.all([...LocalKafkaCluster.running].map((cluster) => cluster.remove()));
  }

  static stopAllNow(): void {
    for (const cluster of LocalKafkaCluster.running) {
      spawnSync('bash', [KAFKA_SCRIPT, 'stop'], { env: cluster.env, stdio: 'ignore' });
      rmSync(cluster.dataDir, { recursive: true, force: true });
    }
    LocalKafkaCluster.running.clear();
  }

  /** The node (1-based) whose broker listens on this port. */
  nodeOnPort(port: number): number {
    const index = this.ports.indexOf(port);
    if (index < 0) throw new Error(`no node of the test cluster listens on ${port}`);
    return index + 1;
  }

  /** Starts every node that is not running (a killed one comes back) and waits until each answers. */
  async startAll(): Promise<void> {
    await this.script('start');
  }

  /** Starts one node again (one that was killed) and waits until it answers. */
  async start(node: number): Promise<void> {
    await this.script('start', String(node));
  }

  /**
   * SIGKILL, as a crash or a pulled plug: no clean shutdown, no leadership handed over. Sent from here rather than
   * through the script, so that the caller knows the moment to the millisecond; resolves once the process is gone.
   */
  async kill(node: number): Promise<void> {
    const pid = Number((await this.script('pid', String(node))).trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`node ${node} of the test cluster is not running`);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  async remove(): Promise<void> {
    LocalKafkaCluster.running.delete(this);
    try {
      await this.script('stop');
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  private script(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('bash', [KAFKA_SCRIPT, ...args], { env: this.env }, (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        reject(
          new Error(`scripts/kafka.sh ${args.join(' ')} failed (${error.message.split('\n')[0]}):\n${stdout}${stderr}`),
        );
      });
    });
  }
}

/** Whether the process exists (signal 0 checks without sending anything). A killed child of the script is reaped by init. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
