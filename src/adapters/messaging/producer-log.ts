import type { Logger } from 'pino';
import { oneLineCause } from '../logging/one-line-cause.js';

/** One line when the broker's refusal forced a new producer: the sends it wrote unacknowledged may be published again. */
export function logProducerReplaced(logger: Logger, cause: unknown): void {
  logger.warn(
    { cause: oneLineCause(cause) },
    'Kafka producer replaced (new producer id); events of a send whose acknowledgement was lost may be published twice',
  );
}
