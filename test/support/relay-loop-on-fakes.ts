import type { EventPublisher, OutboxSignal, PendingEvents, RelayLeadership } from '../../src/application/index.js';
import { type OutboxRelaySettings, RelayLoop } from '../../src/composition/relay-loop.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { soleLeadership } from '../fakes/in-memory-lease-table.js';
import { RecordingRelayLog } from '../fakes/recording-relay-log.js';

/** A relay loop over the given outbox and broker, by default the sole holder of its lease, on a fixed clock, its log recorded. */
export function relayLoopOn(
  pending: PendingEvents,
  publisher: EventPublisher,
  settings: OutboxRelaySettings,
  signal?: OutboxSignal,
  leadership: RelayLeadership = soleLeadership(),
): RelayLoop {
  return new RelayLoop(
    {
      pending,
      publisher,
      leadership,
      clock: new FixedClock(new Date('2030-01-01T12:00:00Z')),
      log: new RecordingRelayLog(),
    },
    settings,
    signal,
  );
}
