import type { RecordMetadata } from 'kafkajs';

/**
 * A send to a partition the topic does not have (recreated with fewer partitions while the service runs): kafkajs
 * leaves a partition missing from its metadata out of its request and resolves the send without a word, having
 * written nothing. Carries the broker's own name for it, so it counts as the topic missing (see isTopicMissing).
 */
export class PartitionNotWritten extends Error {
  override readonly name = 'PartitionNotWritten';
  readonly type = 'UNKNOWN_TOPIC_OR_PARTITION';

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    super(`the send to partition ${partition} of topic ${topic} wrote nothing: the topic has no such partition`);
  }
}

/** The refusal hidden in a resolved send: undefined when the broker acknowledged the partition, as it should. */
export function unacknowledgedPartition(
  receipts: readonly RecordMetadata[] | undefined,
  topic: string,
  partition: number,
): PartitionNotWritten | undefined {
  const acknowledged = (receipts ?? []).some(
    (receipt) => receipt.topicName === topic && receipt.partition === partition && receipt.errorCode === 0,
  );
  return acknowledged ? undefined : new PartitionNotWritten(topic, partition);
}
