import type { Logger } from 'pino';
import { brokerLossRisk, replicasBelowDefault, type TopicLayout } from './kafka-topic.js';

/**
 * One line with the topic's real settings, a warning when it was created with fewer replicas than the default because
 * fewer brokers were live, and one when it cannot lose a broker and keep every event.
 */
export function logTopicLayout(logger: Logger, layout: TopicLayout): void {
  const { topic, created, partitions, replicationFactor, minInsyncReplicas, brokers } = layout;
  const fields = { topic, partitions, replicationFactor, minInsyncReplicas, brokers };
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
}
