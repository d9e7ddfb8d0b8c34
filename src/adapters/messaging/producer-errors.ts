/** Errors after which an idempotent producer's sequence numbers can no longer be trusted. */
const FATAL_FOR_IDEMPOTENCE = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'UNKNOWN_PRODUCER_ID',
  'PRODUCER_FENCED',
]);

/**
 * True when the producer must be thrown away and a new one created: an idempotence error, or an error kafkajs
 * will not retry, anywhere in the chain of causes. Running out of retries on errors that could be retried is
 * not one: kafkajs takes back the sequence numbers of a produce request that failed, so the same producer sends
 * the events again under the same producer id and sequence, and the broker drops a copy it already has. A new
 * producer (a new producer id) could not be recognised that way, so it is made only when it must be.
 */
export function isFatalForProducer(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { type, retriable, name } = current as Error & { type?: string; retriable?: boolean };
    if (type !== undefined && FATAL_FOR_IDEMPOTENCE.has(type)) return true;
    if (retriable === false && name !== 'KafkaJSNumberOfRetriesExceeded') return true;
  }
  return false;
}
