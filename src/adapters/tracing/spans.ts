import { type Context, context, type Span, type SpanOptions, SpanStatusCode, trace } from '@opentelemetry/api';

/** The service's tracer: the global provider's once tracing is installed, a no-op one until then. */
export const serviceTracer = trace.getTracer('campaign-service');

let exported = false;

/** Whether spans leave the process; set once by installTracing. */
export function spansExported(value?: boolean): boolean {
  if (value !== undefined) exported = value;
  return exported;
}

/** A span that begins a piece of work of its own: a request, a relay's publish, a scheduled change. */
export function startEntrySpan(name: string, options: SpanOptions, parent: Context): Span {
  return serviceTracer.startSpan(name, options, parent);
}

/**
 * Runs `work` in a child span of the active span, when spans are exported and that trace is recorded here;
 * otherwise in the active context as it is, since a span nobody can see would only cost.
 */
export async function inChildSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  const parent = context.active();
  if (!exported || trace.getSpan(parent)?.isRecording() !== true) return work(undefined);
  const span = serviceTracer.startSpan(name, options, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** A failed operation: status ERROR and `error.type`, the error's stable code when it has one. */
export function markFailed(span: Span, error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  const type = typeof code === 'string' ? code : error instanceof Error ? error.constructor.name : '_OTHER';
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
