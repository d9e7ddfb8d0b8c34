/** The broker's verdicts that an idempotent producer's id, epoch or sequence numbers can no longer be used. */
const FATAL_FOR_IDEMPOTENCE = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'UNKNOWN_PRODUCER_ID',
  'PRODUCER_FENCED',
]);

/** True when the broker answered that the topic does not exist (deleted while the service runs), anywhere in the chain. */
export function isTopicMissing(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as Error & { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
  }
  return false;
}

/** True when the broker refused a send as larger than the topic's `max.message.bytes`, anywhere in the chain. */
export function isTooLarge(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as Error & { type?: string }).type === 'MESSAGE_TOO_LARGE') return true;
  }
  return false;
}

/**
 * True when the producer must be thrown away and a new one created: the broker refused its idempotence state,
 * anywhere in the chain of causes. Nothing else is a reason, not even an error kafkajs will not retry (its send
 * wraps a metadata request that ran out of retries, while a partition has no leader, as one): kafkajs hands out a
 * partition's sequence numbers only to a request it sends and takes them back when the request fails, so the same
 * producer sends the events again under the same producer id and sequence, and the broker drops a copy it already
 * wrote. A new producer has a new producer id: the broker could not recognise its copy, and the events would be
 * written twice.
 */
export function isFatalForProducer(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { type } = current as Error & { type?: string };
    if (type !== undefined && FATAL_FOR_IDEMPOTENCE.has(type)) return true;
  }
  return false;
}
