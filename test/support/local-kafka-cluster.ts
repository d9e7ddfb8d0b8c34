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
    const cluster = new LocalKafkaCluster(clientPorts.map((port) => `127.0.0.1:${port}`).join(','), clientPorts, env, dataDir);
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
  startAll(): Promise<void> {
    return this.script('start');
  }

  /** Starts one node again (one that was killed) and waits until it answers. */
  start(node: number): Promise<void> {
    return this.script('start', String(node));
  }

  /** SIGKILL, as a crash or a pulled plug: no clean shutdown, no leadership handed over. */
  kill(node: number): Promise<void> {
    return this.script('kill', String(node));
  }

  async remove(): Promise<void> {
    LocalKafkaCluster.running.delete(this);
    try {
      await this.script('stop');
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  private script(...args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile('bash', [KAFKA_SCRIPT, ...args], { env: this.env }, (error, stdout, stderr) => {
        if (error === null) return resolve();
        reject(new Error(`scripts/kafka.sh ${args.join(' ')} failed (${error.message.split('\n')[0]}):\n${stdout}${stderr}`));
      });
    });
  }
}
