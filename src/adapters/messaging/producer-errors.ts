/** Errors after which an idempotent producer's sequence numbers can no longer be trusted. */
const FATAL_FOR_IDEMPOTENCE = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'UNKNOWN_PRODUCER_ID',
  'PRODUCER_FENCED',
]);

/**
 * True when the producer must be thrown away and a new one created: an idempotence error, or an error
 * kafkajs gave up on (including running out of retries), anywhere in the chain of causes.
 */
export function isFatalForProducer(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { type, retriable } = current as Error & { type?: string; retriable?: boolean };
    if (type !== undefined && FATAL_FOR_IDEMPOTENCE.has(type)) return true;
    if (retriable === false) return true;
  }
  return false;
}
