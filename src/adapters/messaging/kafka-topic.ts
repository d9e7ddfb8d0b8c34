import kafkajs, { type Admin } from 'kafkajs';

const { ConfigResourceTypes } = kafkajs;

const TOPIC_CONFIGS = ['min.insync.replicas', 'max.message.bytes', 'cleanup.policy'] as const;

/** Kafka's default `max.message.bytes`. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** Replicas per partition when neither the configuration nor a smaller cluster says otherwise. */
export const DEFAULT_REPLICATION_FACTOR = 3;

export interface TopicSettings {
  topic: string;
  partitions: number;
  /** Undefined: 3, or the number of brokers live when it is created, when fewer. */
  replicationFactor?: number | undefined;
  /** Undefined: the replication factor less one, at least 1. Never more than the replication factor. */
  minInsyncReplicas?: number | undefined;
}

/** The topic as the cluster really has it. */
export interface TopicLayout {
  topic: string;
  /** Whether this call created it; false when it existed (its settings are then the cluster's, not ours). */
  created: boolean;
  partitions: number;
  /** The fewest replicas any partition has. */
  replicationFactor: number;
  minInsyncReplicas: number;
  /** The largest record batch the topic takes (`max.message.bytes`). */
  maxMessageBytes: number;
  /** `cleanup.policy`: `delete`, `compact`, or both. */
  cleanupPolicy: string;
  /** Brokers the cluster has live now. */
  brokers: number;
  /**
   * Created with fewer replicas than the default because fewer brokers were live, with no replication factor
   * configured: a cluster with a broker down at that moment gets a topic weaker than its size allows, for good.
   */
  replicasFromLiveBrokers: boolean;
}

export function replicationFor(
  settings: TopicSettings,
  brokers: number,
): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = settings.replicationFactor ?? Math.max(1, Math.min(DEFAULT_REPLICATION_FACTOR, brokers));
  // A configured value above a replication factor taken from a small cluster would let no write be acknowledged.
  const minInsyncReplicas = Math.min(
    settings.minInsyncReplicas ?? Math.max(1, replicationFactor - 1),
    replicationFactor,
  );
  return { replicationFactor, minInsyncReplicas };
}

/**
 * Creates the topic with the configured (or default) replication when it is missing, and reads back what the
 * cluster really has: an existing topic keeps its own settings, which may be weaker than ours.
 */
export async function ensureTopic(admin: Admin, settings: TopicSettings): Promise<TopicLayout> {
  const { brokers } = await admin.describeCluster();
  const { replicationFactor, minInsyncReplicas } = replicationFor(settings, brokers.length);
  const created = await admin.createTopics({
    topics: [
      {
        topic: settings.topic,
        numPartitions: settings.partitions,
        replicationFactor,
        configEntries: [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }],
      },
    ],
    waitForLeaders: true,
  });
  const replicasFromLiveBrokers =
    created && settings.replicationFactor === undefined && brokers.length < DEFAULT_REPLICATION_FACTOR;
  return { ...(await readTopic(admin, settings.topic)), created, brokers: brokers.length, replicasFromLiveBrokers };
}

async function readTopic(
  admin: Admin,
  topic: string,
): Promise<Omit<TopicLayout, 'created' | 'brokers' | 'replicasFromLiveBrokers'>> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics[0]?.partitions ?? [];
  const { resources } = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [...TOPIC_CONFIGS] }],
    includeSynonyms: false,
  });
  const config = (name: (typeof TOPIC_CONFIGS)[number]) =>
    resources[0]?.configEntries.find((entry) => entry.configName === name)?.configValue;
  return {
    topic,
    partitions: partitions.length,
    replicationFactor: Math.min(...partitions.map((partition) => partition.replicas.length)),
    minInsyncReplicas: Number(config('min.insync.replicas') ?? 1),
    maxMessageBytes: Number(config('max.message.bytes') ?? DEFAULT_MAX_MESSAGE_BYTES) || DEFAULT_MAX_MESSAGE_BYTES,
    cleanupPolicy: config('cleanup.policy') ?? 'delete',
  };
}

/**
 * Why the topic cannot lose one broker and keep publishing every acknowledged event, or undefined when it can.
 * Events are sent with acks from all in-sync replicas, which must number at least `min.insync.replicas`.
 */
export function brokerLossRisk(layout: TopicLayout): string | undefined {
  const { replicationFactor: rf, minInsyncReplicas: minIsr } = layout;
  if (rf < 2) {
    return `replication factor ${rf}: losing the broker of a partition stops publishing to it, and losing its disk loses acknowledged events`;
  }
  if (minIsr >= rf) {
    return `min.insync.replicas ${minIsr} of ${rf} replicas: losing any one broker stops publishing to its partitions`;
  }
  return undefined;
}

/**
 * Why the topic just created may have fewer replicas than the cluster allows, or undefined: with no replication
 * factor configured, the replicas follow the brokers live at that moment, and Kafka cannot tell a small cluster from
 * a larger one with brokers down.
 */
export function replicasBelowDefault(layout: TopicLayout): string | undefined {
  if (!layout.replicasFromLiveBrokers) return undefined;
  return `created with ${layout.replicationFactor} of the default ${DEFAULT_REPLICATION_FACTOR} replicas because only ${layout.brokers} brokers were live; on a larger cluster, raise its replication and min.insync.replicas, or set KAFKA_TOPIC_REPLICATION_FACTOR`;
}

/**
 * Why the topic may not keep every event a consumer needs, or undefined: compaction keeps only the newest event of
 * each key, and every event of a campaign has its id as the key, so a consumer reading from the start would miss a
 * campaign's CampaignStarted (its audience and messages) once the campaign changed again.
 */
export function compactionRisk(layout: TopicLayout): string | undefined {
  if (!layout.cleanupPolicy.split(',').some((policy) => policy.trim() === 'compact')) return undefined;
  return `cleanup.policy ${layout.cleanupPolicy}: Kafka keeps only the newest event of each campaign, so a consumer reading the topic from its start misses the events before it; set cleanup.policy=delete with the retention consumers need`;
}

/**
 * Why the topic may refuse an event the service writes, or undefined: an event larger than `max.message.bytes`
 * can never be sent, and holds every later event of its partition back until the limit is raised.
 */
export function messageSizeRisk(layout: TopicLayout, largestEventBytes: number): string | undefined {
  if (layout.maxMessageBytes >= largestEventBytes) return undefined;
  return `max.message.bytes ${layout.maxMessageBytes}: an event of a campaign near the content limit (up to about ${largestEventBytes} bytes) would be refused for good, and hold back the later events of its partition until the limit is raised (kafka-configs --alter --add-config max.message.bytes=${DEFAULT_MAX_MESSAGE_BYTES})`;
}
