import type { DomainEvent } from '../../domain/index.js';

/** The outbox rows of some events, as both the Knex and the SQLite adapters write them. */
export function outboxRows(events: readonly DomainEvent[], now: Date) {
  return events.map((event) => ({
    event_id: event.eventId,
    aggregate_type: 'campaign',
    aggregate_id: event.aggregateId,
    event_type: event.type,
    payload: JSON.stringify(event.payload),
    occurred_at: event.occurredAt,
    created_at: now,
  }));
}
