import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context as KoaContext, Middleware } from 'koa';
import { matchedRoute } from '../http/matched-route.js';
import { type CarriedTraceContext, carrying, continuedTraceContext } from './carried-trace-context.js';
import { spansExported, startEntrySpan } from './spans.js';
import { incomingContext } from './trace-context.js';

/** Probes and scrapes come every few seconds from the platform, not from a caller: they start no trace. */
const UNTRACED_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

/**
 * A SERVER span per request, continuing the caller's `traceparent`/`tracestate` when they are valid and starting
 * a trace otherwise. Named `{method} {route pattern}` with the HTTP semantic conventions' attributes; 5xx answers
 * mark it failed. Everything the request does (and every line it logs) runs inside it.
 *
 * When spans are not exported (decided when the app is made), no span and no OpenTelemetry context: the request's
 * trace context is made as data (see carried-trace-context.ts) and kept in the Koa context, for `inRequestTrace`
 * and the request's log lines.
 */
export function httpServerSpans(): Middleware {
  if (!spansExported()) return requestTraceContexts;
  return async (ctx, next) => {
    if (UNTRACED_PATHS.has(ctx.path)) return next();
    const parent = incomingContext({
      traceparent: single(ctx.req.headers.traceparent),
      tracestate: single(ctx.req.headers.tracestate),
    });
    const method = KNOWN_METHODS.has(ctx.method) ? ctx.method : '_OTHER';
    const recorded = spansExported();
    const span = startEntrySpan(
      method,
      { kind: SpanKind.SERVER, ...(recorded ? { attributes: requestAttributes(ctx, method) } : {}) },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      if (recorded && span.isRecording()) {
        const route = matchedRoute(ctx);
        if (route !== undefined) {
          span.updateName(`${method} ${route}`);
          span.setAttribute('http.route', route);
        }
        span.setAttribute('http.response.status_code', ctx.status);
        if (ctx.status >= 500) {
          span.setAttribute('error.type', String(ctx.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      }
      span.end();
    }
  };
}

const requestTraceContexts: Middleware = (ctx, next) => {
  if (!UNTRACED_PATHS.has(ctx.path)) {
    ctx.state.trace = continuedTraceContext({
      traceparent: single(ctx.req.headers.traceparent),
      tracestate: single(ctx.req.headers.tracestate),
    });
  }
  return next();
};

/**
 * Runs a use case in the request's trace when its context is carried as data: the unit of work takes it when the
 * use case asks for one, synchronously within `call`. With spans exported the active span already is that context.
 */
export function inRequestTrace<T>(ctx: KoaContext, call: () => T): T {
  const carried = ctx.state.trace as CarriedTraceContext | undefined;
  return carried === undefined ? call() : carrying(carried.traceContext, call);
}

/** The ids a request's own log lines name, when its trace context is carried as data (else the logger's mixin adds them). */
export function requestTraceFields(
  ctx: KoaContext,
): { trace_id: string; span_id: string; trace_flags: string } | undefined {
  const carried = ctx.state.trace as CarriedTraceContext | undefined;
  return carried === undefined
    ? undefined
    : { trace_id: carried.traceId, span_id: carried.spanId, trace_flags: carried.traceFlags };
}

function requestAttributes(ctx: KoaContext, method: string): Attributes {
  const attributes: Attributes = {
    'http.request.method': method,
    'url.scheme': ctx.protocol,
    'url.path': ctx.path,
    'network.protocol.version': ctx.req.httpVersion,
  };
  if (method === '_OTHER') attributes['http.request.method_original'] = ctx.method;
  if (ctx.hostname) attributes['server.address'] = ctx.hostname;
  if (ctx.req.socket.localPort !== undefined) attributes['server.port'] = ctx.req.socket.localPort;
  const userAgent = ctx.get('User-Agent');
  if (userAgent) attributes['user_agent.original'] = userAgent;
  if (ctx.req.socket.remoteAddress) attributes['client.address'] = ctx.req.socket.remoteAddress;
  return attributes;
}

/** A header sent twice is not one value: W3C Trace Context then starts a new trace. */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
