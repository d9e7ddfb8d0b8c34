import type { TraceContext } from '../../../application/index.js';
import type { CampaignEvent } from '../../../domain/index.js';
import { campaignEventPayload } from '../../messaging/campaign-event-payload.js';

/** The outbox rows of some events, as both the Knex and the SQLite adapters write them. */
export function outboxRows(events: readonly CampaignEvent[], now: Date, traceContext: TraceContext | undefined) {
  const trace_context = traceContextColumn(traceContext);
  return events.map((event) => ({
    event_id: event.eventId,
    aggregate_type: 'campaign',
    aggregate_id: event.campaignId.toString(),
    event_type: event.type,
    payload: JSON.stringify(campaignEventPayload(event)),
    occurred_at: event.occurredAt,
    created_at: now,
    trace_context,
  }));
}

/** The `trace_context` column: the W3C header values as JSON, or null for work outside any trace. */
export function traceContextColumn(traceContext: TraceContext | undefined): string | null {
  return traceContext === undefined ? null : JSON.stringify(traceContext);
}

/** The trace context an outbox row kept; anything unreadable counts as none (publishing never fails over it). */
export function traceContextFromColumn(value: unknown): TraceContext | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const parsed = JSON.parse(value) as { traceparent?: unknown; tracestate?: unknown };
    if (typeof parsed.traceparent !== 'string') return undefined;
    return typeof parsed.tracestate === 'string' && parsed.tracestate !== ''
      ? { traceparent: parsed.traceparent, tracestate: parsed.tracestate }
      : { traceparent: parsed.traceparent };
  } catch {
    return undefined;
  }
}
