import { loadConfig } from '../../src/adapters/config/config.js';
import type { EventPublisher } from '../../src/application/index.js';
import { createLogger } from '../../src/composition/logger.js';
import { buildRelayContainer, startOutboxRelay } from '../../src/composition/relay-process.js';
import { TYPES } from '../../src/composition/types.js';

/**
 * The relay as `npm run relay` composes it, except that the process kills itself (SIGKILL) right after the
 * broker acknowledged the first batch: the batch is published but never marked, as in a crash at the worst time.
 */
const config = loadConfig();
const container = buildRelayContainer(config, createLogger());
const kafka = container.get(TYPES.EventPublisher);
const dyingAfterPublish: EventPublisher = {
  connect: () => kafka.connect(),
  whenWritable: (withinMs, abandon) => kafka.whenWritable(withinMs, abandon),
  laneOf: (event) => kafka.laneOf(event),
  laneCount: () => kafka.laneCount(),
  async publish(events) {
    await kafka.publish(events);
    process.kill(process.pid, 'SIGKILL');
  },
};
container.rebind(TYPES.EventPublisher).toConstantValue(dyingAfterPublish);
startOutboxRelay(container);
