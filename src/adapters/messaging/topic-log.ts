import type { Logger } from 'pino';
import { CONTENT_LIMITS } from '../../domain/index.js';
import {
  brokerLossRisk,
  compactionRisk,
  messageSizeRisk,
  replicasBelowDefault,
  type TopicLayout,
} from './kafka-topic.js';

/** An event of a campaign at the content limit, with the rest of the campaign and the message's headers around it. */
const LARGEST_EVENT_BYTES = CONTENT_LIMITS.totalBytes + 64 * 1024;

/**
 * One line with the topic's real settings, a warning when it was created with fewer replicas than the default because
 * fewer brokers were live, one when it cannot lose a broker and keep every event, one when it is compacted, and one
 * when it refuses events as large as the service may write.
 */
export function logTopicLayout(logger: Logger, layout: TopicLayout): void {
  const { topic, created, partitions, replicationFactor, minInsyncReplicas, maxMessageBytes, cleanupPolicy, brokers } =
    layout;
  const fields = { topic, partitions, replicationFactor, minInsyncReplicas, maxMessageBytes, cleanupPolicy, brokers };
  logger.info(fields, created ? 'Kafka topic created' : "Kafka topic found; its settings are the cluster's");
  const shortfall = replicasBelowDefault(layout);
  if (shortfall !== undefined) {
    logger.warn(
      { ...fields, risk: shortfall },
      'Kafka topic created with fewer replicas than the default: fewer brokers were live',
    );
  }
  const risk = brokerLossRisk(layout);
  if (risk !== undefined) {
    logger.warn(
      { ...fields, risk },
      'Kafka topic cannot survive the loss of a broker; raise its replication (kafka-topics --alter, kafka-configs) or recreate it',
    );
  }
  const compaction = compactionRisk(layout);
  if (compaction !== undefined) {
    logger.warn({ ...fields, risk: compaction }, 'Kafka topic is compacted: consumers reading it anew miss events');
  }
  const size = messageSizeRisk(layout, LARGEST_EVENT_BYTES);
  if (size !== undefined) {
    logger.warn({ ...fields, risk: size }, 'Kafka topic refuses the largest events the service may write');
  }
}
