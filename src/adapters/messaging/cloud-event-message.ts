import type { Message } from 'kafkajs';
import type { PendingEvent } from '../../application/index.js';

/**
 * One event as a Kafka record in CloudEvents 1.0 binary mode: the attributes travel as `ce_` headers, the
 * payload is the value as stored, and the key is the campaign id, so each campaign's events share a partition.
 * The trace context of the work that produced the event travels as the CloudEvents distributed-tracing
 * extension (`ce_traceparent`, `ce_tracestate`), and again as the W3C Trace Context headers (`traceparent`,
 * `tracestate`) that OpenTelemetry's Kafka instrumentations read, so a consumer continues that trace either way.
 * The record's own timestamp is left to the producer (the time of sending): the event time is `ce_time`, and
 * a broker refuses record timestamps too far from its clock (log.message.timestamp.after.max.ms).
 * `partition`, when given, is the partition the record is sent to.
 */
export function toKafkaMessage(event: PendingEvent, source: string, partition?: number): Message {
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: event.eventId,
    ce_source: source,
    ce_type: event.type,
    ce_time: event.occurredAt.toISOString(),
    ce_subject: event.aggregateId,
    'content-type': 'application/json',
  };
  if (event.traceContext !== undefined) {
    const { traceparent, tracestate } = event.traceContext;
    headers.ce_traceparent = traceparent;
    headers.traceparent = traceparent;
    if (tracestate !== undefined) {
      headers.ce_tracestate = tracestate;
      headers.tracestate = tracestate;
    }
  }
  const message: Message = { key: event.aggregateId, value: event.payloadJson, headers };
  if (partition !== undefined) message.partition = partition;
  return message;
}
