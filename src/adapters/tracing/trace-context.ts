import { type Context, context, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TraceContext } from '../../application/index.js';
import { carriedTraceContext } from './carried-trace-context.js';

const w3c = new W3CTraceContextPropagator();

const setter = {
  set(carrier: Record<string, string>, key: string, value: string) {
    carrier[key] = value;
  },
};
const getter = {
  get: (carrier: Record<string, string | undefined>, key: string) => carrier[key],
  keys: (carrier: Record<string, string | undefined>) => Object.keys(carrier),
};

/**
 * The W3C Trace Context of the work running now as data (traceparent, tracestate), or undefined outside any trace:
 * the one being carried when nothing is exported (see carried-trace-context.ts), else the active span's.
 */
export function activeTraceContext(active?: Context): TraceContext | undefined {
  if (active === undefined) return carriedTraceContext() ?? spanTraceContext(context.active());
  return spanTraceContext(active);
}

function spanTraceContext(active: Context): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(active, carrier, setter);
  if (carrier.traceparent === undefined) return undefined;
  return carrier.tracestate === undefined
    ? { traceparent: carrier.traceparent }
    : { traceparent: carrier.traceparent, tracestate: carrier.tracestate };
}

/** The span context a traceparent (and tracestate) names, or undefined when the traceparent is not valid. */
export function spanContextOf(headers: {
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}): SpanContext | undefined {
  const extracted = w3c.extract(ROOT_CONTEXT, headers, getter);
  const spanContext = trace.getSpanContext(extracted);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** The context a request continues: the caller's trace when its traceparent is valid, a new trace otherwise. */
export function incomingContext(headers: {
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}): Context {
  return headers.traceparent === undefined ? ROOT_CONTEXT : w3c.extract(ROOT_CONTEXT, headers, getter);
}
