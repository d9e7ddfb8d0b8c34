import { context, DiagLogLevel, diag, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { setGlobalErrorHandler, W3CTraceContextPropagator } from '@opentelemetry/core';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { TracingSettings } from '../config/tracing-config.js';
import { oneLineCause } from '../logging/one-line-cause.js';
import { RepeatedLines } from '../logging/repeated-lines.js';
import { LogLineSpanExporter } from './log-line-span-exporter.js';
import { spansExported } from './spans.js';

export interface Tracing {
  /** Whether finished spans leave the process. */
  readonly exporting: boolean;
  /** Sends the spans still waiting in the batch to the exporter, giving up after FLUSH_LIMIT_MS. */
  flush(): Promise<void>;
}

/** A collector that does not answer must not hold up a shutdown (SHUTDOWN_TIMEOUT_MS is 10 s by default). */
const FLUSH_LIMIT_MS = 2_000;

const DEFAULT_SERVICE_NAME = 'campaign-service';

let installed: Promise<Tracing> | undefined;

/**
 * OpenTelemetry for this process, once, when spans are exported: the AsyncLocalStorage context manager, W3C Trace
 * Context propagation and the SDK's tracer provider, whose sampler, limits and batching come from the OTEL_*
 * variables as the SDK reads them, and the PostgreSQL instrumentation. The first call's settings hold for the
 * process. The SDK's own warnings (an export the collector refused, a bad OTEL_* value) go to `logger`.
 *
 * With no exporter none of it is installed: on Node 20 a context manager's promise hooks and a span per request
 * cost a start path that shows nothing for it. Every request, scheduled change and publish still gets a trace
 * context, made as data (carried-trace-context.ts), so the context reaches the outbox and the broker.
 */
export function installTracing(settings: TracingSettings, logger: Logger): Promise<Tracing> {
  installed ??= install(settings, logger);
  return installed;
}

async function install(settings: TracingSettings, logger: Logger): Promise<Tracing> {
  spansExported(settings.exporters.length > 0);
  if (settings.exporters.length === 0) return { exporting: false, flush: async () => undefined };
  const sdkLog = logger.child({ component: 'opentelemetry' });
  reportSdkTroubleTo(sdkLog);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const exporters = await Promise.all(settings.exporters.map((name) => exporterFor(name, settings, sdkLog)));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': DEFAULT_SERVICE_NAME }).merge(
      detectResources({ detectors: [envDetector] }),
    ),
    spanProcessors: exporters.map((exporter) => new BatchSpanProcessor(exporter)),
    spanLimits: { linkCountLimit: settings.linkCountLimit },
  });
  trace.setGlobalTracerProvider(provider);
  // Query spans on PostgreSQL, under the unit of work that ran them; knex loads `pg` with require(), which the
  // instrumentation hooks without a loader flag. Spans outside a trace (the relay's polling) are left out.
  const [{ registerInstrumentations }, { PgInstrumentation }] = await Promise.all([
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-pg'),
  ]);
  registerInstrumentations({ instrumentations: [new PgInstrumentation({ requireParentSpan: true })] });
  // The endpoint is the SDK's to read (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, then OTEL_EXPORTER_OTLP_ENDPOINT).
  sdkLog.info(
    {
      exporters: settings.exporters,
      ...(settings.exporters.includes('otlp') ? { protocol: settings.otlpProtocol } : {}),
      sampler: settings.sampler,
    },
    'spans are exported',
  );
  return { exporting: true, flush: () => flushWithin(provider, FLUSH_LIMIT_MS) };
}

/** How long the same trouble of the SDK stays at `debug` once written at `warn`. */
const REPEATED_TROUBLE_QUIET_MS = 60_000;

/**
 * The SDK's warnings and errors (an export the collector refused or never answered, a bad OTEL_* value), one short
 * line each, none more than once a minute at `warn` (the next says how many it stood for, `repeated`). They are
 * written outside any trace: the batch's timer runs in the context of whichever request started it, whose trace
 * they have nothing to do with.
 */
function reportSdkTroubleTo(sdkLog: Logger): void {
  const quiet = new RepeatedLines(REPEATED_TROUBLE_QUIET_MS);
  const report = (message: string, cause?: string) =>
    context.with(ROOT_CONTEXT, () => {
      const repeated = quiet.admit(`${message} ${cause ?? ''}`, performance.now());
      const fields = { ...(cause === undefined ? {} : { cause }), ...(repeated ? { repeated } : {}) };
      if (repeated === undefined) sdkLog.debug(fields, message);
      else sdkLog.warn(fields, message);
    });
  const firstLine = (message: string) => message.split('\n')[0]!.trim();
  diag.setLogger(
    {
      error: (message) => report(firstLine(message)),
      warn: (message) => report(firstLine(message)),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  setGlobalErrorHandler((error) =>
    report('spans could not be exported; requests are not affected', oneLineCause(error)),
  );
}

async function flushWithin(provider: BasicTracerProvider, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limitMs);
  });
  try {
    await Promise.race([provider.forceFlush().catch(() => undefined), limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function exporterFor(name: 'otlp' | 'console', settings: TracingSettings, sdkLog: Logger): Promise<SpanExporter> {
  if (name === 'console') return new LogLineSpanExporter(sdkLog);
  if (settings.otlpProtocol === 'http/json')
    return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
}
