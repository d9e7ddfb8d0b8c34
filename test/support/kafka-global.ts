import { LocalKafkaBroker } from './local-kafka-broker.js';
import { LocalKafkaCluster } from './local-kafka-cluster.js';

/**
 * The Kafka the tests use: the cluster in KAFKA_BROKERS when it is set, otherwise a local broker that
 * scripts/kafka.sh starts when the first Kafka test needs it. Mocha loads this file (.mocharc.json
 * `require`) so that the teardown below stops that broker when the run ends. A broker that cannot start
 * fails the tests that need it; nothing is skipped.
 */
let local: Promise<LocalKafkaBroker> | undefined;
let cluster: Promise<LocalKafkaCluster> | undefined;

/** Long enough for a first run that still has to fetch the broker's jars. */
export const BROKER_START_TIMEOUT_MS = 180_000;

/** Three JVMs starting at once on a small machine take longer than one. */
export const CLUSTER_START_TIMEOUT_MS = 300_000;

/**
 * The three-node cluster the cluster suites share: started when the first of them needs it, stopped at the end
 * of the run. Always a local one (its nodes are killed), whatever KAFKA_BROKERS says.
 */
export function testKafkaCluster(): Promise<LocalKafkaCluster> {
  cluster ??= LocalKafkaCluster.launch();
  return cluster;
}

/** Stops the cluster once the suites that need it are done, so its three JVMs do not slow the rest of the run. */
export async function stopTestKafkaCluster(): Promise<void> {
  const running = cluster;
  cluster = undefined;
  await (await running?.catch(() => undefined))?.remove();
}

/** The bootstrap servers of the test cluster, as KAFKA_BROKERS takes them. */
export async function testKafkaBrokers(): Promise<string> {
  return process.env.KAFKA_BROKERS || (await localBroker()).brokers;
}

/** A broker a test may stop and start again: the local one, launched even when KAFKA_BROKERS names another cluster. */
export function stoppableBroker(): Promise<LocalKafkaBroker> {
  return localBroker();
}

function localBroker(): Promise<LocalKafkaBroker> {
  local ??= LocalKafkaBroker.launch();
  return local;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await Promise.all([LocalKafkaBroker.stopAll(), LocalKafkaCluster.stopAll()]);
}

process.once('exit', () => {
  LocalKafkaBroker.stopAllNow();
  LocalKafkaCluster.stopAllNow();
});
