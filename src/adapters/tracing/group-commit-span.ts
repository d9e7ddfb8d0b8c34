import { type Context, context, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api';
import { markFailed, spansExported, startEntrySpan } from './spans.js';

/**
 * A batch (SQLite's group commit, a coalesced statement on PostgreSQL) as a span of its own trace: it carried units
 * of work from several requests, so it belongs to none of them. It links to each unit's span, and each unit's span
 * links back to it, so a request's trace leads to the commit that made it durable (and to the requests it shared
 * that commit with).
 */
export async function traceBatch<T>(
  units: readonly Context[],
  commit: () => Promise<T>,
  batchOf: { name: string; system: string } = { name: 'group commit', system: 'sqlite' },
): Promise<T> {
  if (!spansExported()) return commit();
  const unitSpans = units
    .map((unit) => trace.getSpan(unit))
    .filter((span): span is Span => span?.isRecording() === true);
  if (unitSpans.length === 0) return commit();
  const batch = startEntrySpan(
    batchOf.name,
    {
      kind: SpanKind.INTERNAL,
      root: true,
      links: unitSpans.map((span) => ({ context: span.spanContext() })),
      attributes: { 'db.system.name': batchOf.system, 'db.operation.batch.size': units.length },
    },
    ROOT_CONTEXT,
  );
  for (const span of unitSpans) span.addLink({ context: batch.spanContext() });
  try {
    return await context.with(trace.setSpan(ROOT_CONTEXT, batch), commit);
  } catch (error) {
    markFailed(batch, error);
    throw error;
  } finally {
    batch.end();
  }
}
