import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { Transaction, UnitOfWork } from '../../application/index.js';
import { inChildSpan, markFailed, startEntrySpan } from './spans.js';

/** Each unit of work as a span in the trace of the work that asked for it (the group commit links to it). */
export class TracedUnitOfWork implements UnitOfWork {
  private readonly attributes: { 'db.system.name': string };

  constructor(
    private readonly inner: UnitOfWork,
    databaseSystem: 'sqlite' | 'postgresql',
  ) {
    this.attributes = { 'db.system.name': databaseSystem };
  }

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inChildSpan('unit of work', { kind: SpanKind.INTERNAL, attributes: this.attributes }, () => this.inner.run(work));
  }
}

/**
 * Units of work that nobody asked for over HTTP (the scheduler's starts and completions): each begins a trace of
 * its own, named `name`, so its event carries a trace context to the broker like a request's does.
 */
export function inTraceOfItsOwn(name: string, inner: UnitOfWork): UnitOfWork {
  return {
    async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      const span = startEntrySpan(name, { kind: SpanKind.INTERNAL, root: true }, ROOT_CONTEXT);
      try {
        return await context.with(trace.setSpan(ROOT_CONTEXT, span), () => inner.run(work));
      } catch (error) {
        markFailed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  };
}
