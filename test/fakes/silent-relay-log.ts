import type { RelayLog } from '../../src/application/index.js';

/** A relay log that writes nothing: for a listener that needs something to pass entries on to. */
export const silentRelayLog: RelayLog = {
  outageBegan: () => undefined,
  retryScheduled: () => undefined,
  outageEnded: () => undefined,
  leading: () => undefined,
  standingBy: () => undefined,
  handingOver: () => undefined,
  tookLeaseBack: () => undefined,
};
