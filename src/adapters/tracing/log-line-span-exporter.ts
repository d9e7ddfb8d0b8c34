import { context, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds, hrTimeToTimeStamp } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';

/**
 * `OTEL_TRACES_EXPORTER=console`: each ended span as one `info` line of the service's log (`msg: "span"`), so that
 * stdout stays one JSON object per line. The SDK's own console exporter prints each span over many lines.
 */
export class LogLineSpanExporter implements SpanExporter {
  constructor(private readonly logger: Logger) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    // Outside any trace: the batch's timer runs in the context of whichever request started it.
    context.with(ROOT_CONTEXT, () => {
      for (const span of spans) this.logger.info({ span: describe(span) }, 'span');
    });
    done({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}
}

function describe(span: ReadableSpan) {
  const { traceId, spanId } = span.spanContext();
  return {
    name: span.name,
    kind: SpanKind[span.kind],
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    start: hrTimeToTimeStamp(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    status: span.status,
    attributes: span.attributes,
    events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
    scope: span.instrumentationScope.name,
  };
}
