import { randomFillSync } from 'node:crypto';
import { TraceState } from '@opentelemetry/core';
import type { TraceContext } from '../../application/index.js';
import { samplerSettings } from '../config/tracing-config.js';

/**
 * The trace context when nothing is exported: plain data, made from the request's headers without the
 * OpenTelemetry SDK or a context manager (on Node 20 a context manager's promise hooks cost every promise of every
 * request). It is handed from the HTTP adapter to the unit of work and from there to the outbox by `carrying`: the
 * context is current only while a call runs synchronously, which is where the unit of work takes it (its `run`)
 * and where the outbox adapters read it (the start of their `append`).
 */
export interface CarriedTraceContext {
  /** What the outbox keeps and the message carries. */
  readonly traceContext: TraceContext;
  readonly traceId: string;
  /** This service's id for the work, the parent id of the `traceparent` it passes on. */
  readonly spanId: string;
  /** `01` sampled, `00` not: the W3C trace flags. */
  readonly traceFlags: string;
}

let current: TraceContext | undefined;

/** The trace context `carrying` made current, if a call runs inside one. */
export function carriedTraceContext(): TraceContext | undefined {
  return current;
}

/** Runs `call` with `traceContext` current until it returns (not until the promise it may return settles). */
export function carrying<T>(traceContext: TraceContext | undefined, call: () => T): T {
  const outer = current;
  current = traceContext;
  try {
    return call();
  } finally {
    current = outer;
  }
}

// version-traceid-parentid-flags; a later version may add fields after the flags, version 00 may not.
const TRACEPARENT = /^[ \t]?([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?[ \t]?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * The context a request continues, after W3C Trace Context: a valid `traceparent` keeps its trace id and sampled
 * flag and gets this service's span id as parent id (with the valid members of `tracestate`); a missing or
 * invalid one starts a new trace.
 */
export function continuedTraceContext(headers: {
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}): CarriedTraceContext {
  const parsed = parsedTraceparent(headers.traceparent);
  if (parsed === undefined) return newTraceContext();
  const { traceId, flags } = parsed;
  const sampled = SAMPLING.continued((Number.parseInt(flags, 16) & 1) === 1, traceId);
  // The parser W3CTraceContextPropagator reads it with, so a message carries the same tracestate with or without
  // an exporter: the caller's order, at most 32 members and 512 characters.
  const tracestate = headers.tracestate === undefined ? '' : new TraceState(headers.tracestate).serialize();
  return traceContextOf(traceId, newSpanId(), sampled, tracestate);
}

/** Whether `traceparent` names a trace a consumer can continue (W3C Trace Context, any version it can read). */
export function isValidTraceparent(traceparent: string): boolean {
  return parsedTraceparent(traceparent) !== undefined;
}

function parsedTraceparent(traceparent: string | undefined): { traceId: string; flags: string } | undefined {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent);
  if (match === null) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (
    version === 'ff' ||
    (version === '00' && rest !== undefined) ||
    traceId === ZERO_TRACE_ID ||
    parentId === ZERO_SPAN_ID
  )
    return undefined;
  return { traceId, flags };
}

/** A trace of its own: a new trace id and span id, sampled as OTEL_TRACES_SAMPLER decides for a root. */
export function newTraceContext(): CarriedTraceContext {
  const traceId = newTraceId();
  return traceContextOf(traceId, newSpanId(), SAMPLING.root(traceId), '');
}

function traceContextOf(traceId: string, spanId: string, sampled: boolean, tracestate: string): CarriedTraceContext {
  const traceFlags = sampled ? '01' : '00';
  const traceparent = `00-${traceId}-${spanId}-${traceFlags}`;
  return {
    traceContext: tracestate === '' ? { traceparent } : { traceparent, tracestate },
    traceId,
    spanId,
    traceFlags,
  };
}

/** Random bytes drawn from the system 256 ids at a time, as the SDK's id generator would draw them one by one. */
const IDS_PER_DRAW = 256;
const ID_BYTES = 16;
const randomPool = Buffer.allocUnsafe(IDS_PER_DRAW * ID_BYTES);
let nextId = IDS_PER_DRAW;

function randomHex(bytes: 8 | 16, zero: string): string {
  for (;;) {
    if (nextId === IDS_PER_DRAW) {
      randomFillSync(randomPool);
      nextId = 0;
    }
    const start = nextId++ * ID_BYTES;
    const hex = randomPool.toString('hex', start, start + bytes);
    if (hex !== zero) return hex;
  }
}

const newTraceId = () => randomHex(16, ZERO_TRACE_ID);
const newSpanId = () => randomHex(8, ZERO_SPAN_ID);

/**
 * The sampled flag passed on, as the SDK's sampler named by OTEL_TRACES_SAMPLER (and OTEL_TRACES_SAMPLER_ARG)
 * would set it; nothing is recorded here either way, the flag tells the consumers downstream.
 */
export interface Sampling {
  root(traceId: string): boolean;
  continued(parentSampled: boolean, traceId: string): boolean;
}

export function samplingFrom(env: NodeJS.ProcessEnv): Sampling {
  const { name, ratio } = samplerSettings(env, []);
  const byRatio = (traceId: string) => inRatio(traceId, ratio);
  switch (name) {
    case 'always_on':
      return { root: () => true, continued: () => true };
    case 'always_off':
      return { root: () => false, continued: () => false };
    case 'traceidratio':
      return { root: byRatio, continued: (_parent, traceId) => byRatio(traceId) };
    case 'parentbased_always_off':
      return { root: () => false, continued: (parent) => parent };
    case 'parentbased_traceidratio':
      return { root: byRatio, continued: (parent) => parent };
    case 'parentbased_always_on':
      return { root: () => true, continued: (parent) => parent };
  }
}

const SAMPLING = samplingFrom(process.env);

/** The SDK's TraceIdRatioBasedSampler: the trace id's 32-bit words, xor-ed, below ratio × 2^32 - 1. */
function inRatio(traceId: string, ratio: number): boolean {
  if (ratio === 1) return true;
  let accumulation = 0;
  for (let i = 0; i < traceId.length / 8; i++) {
    accumulation = (accumulation ^ Number.parseInt(traceId.slice(i * 8, i * 8 + 8), 16)) >>> 0;
  }
  return accumulation < Math.floor(ratio * 0xffffffff);
}
