import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { TraceContext, Transaction, UnitOfWork, UnitOfWorkOptions } from '../../application/index.js';
import { carriedTraceContext, carrying, newTraceContext } from './carried-trace-context.js';
import { inChildSpan, markFailed, spansExported, startEntrySpan } from './spans.js';

/** Each unit of work as a span in the trace of the work that asked for it (the group commit links to it). */
export class TracedUnitOfWork implements UnitOfWork {
  private readonly attributes: { 'db.system.name': string };

  constructor(
    private readonly inner: UnitOfWork,
    databaseSystem: 'sqlite' | 'postgresql',
  ) {
    this.attributes = { 'db.system.name': databaseSystem };
  }

  run<T>(work: (tx: Transaction) => Promise<T>, options?: UnitOfWorkOptions): Promise<T> {
    return inChildSpan('unit of work', { kind: SpanKind.INTERNAL, attributes: this.attributes }, () =>
      this.inner.run(work, options),
    );
  }
}

/**
 * With nothing exported: each unit of work keeps the trace context carried when it was asked for (the request's or
 * the scheduler's), and its outbox appends (and changes saved with their events) run with that context current,
 * whenever the unit itself runs.
 */
export class TraceCarryingUnitOfWork implements UnitOfWork {
  constructor(private readonly inner: UnitOfWork) {}

  run<T>(work: (tx: Transaction) => Promise<T>, options?: UnitOfWorkOptions): Promise<T> {
    const carried = carriedTraceContext();
    if (carried === undefined) return this.inner.run(work, options);
    return this.inner.run((tx) => work(appendingIn(carried, tx)), options);
  }
}

function appendingIn(traceContext: TraceContext, tx: Transaction): Transaction {
  const { campaigns, outbox } = tx;
  return {
    ...tx,
    campaigns: {
      ...campaigns,
      saveChange: (campaign, expectedVersion, events) =>
        carrying(traceContext, () => campaigns.saveChange(campaign, expectedVersion, events)),
    },
    outbox: { append: (events) => carrying(traceContext, () => outbox.append(events)) },
  };
}

/**
 * Units of work that nobody asked for over HTTP (the scheduler's starts and completions): each begins a trace of
 * its own, named `name`, so its event carries a trace context to the broker like a request's does.
 */
export function inTraceOfItsOwn(name: string, inner: UnitOfWork): UnitOfWork {
  if (!spansExported()) {
    return { run: (work, options) => carrying(newTraceContext().traceContext, () => inner.run(work, options)) };
  }
  return {
    async run<T>(work: (tx: Transaction) => Promise<T>, options?: UnitOfWorkOptions): Promise<T> {
      const span = startEntrySpan(name, { kind: SpanKind.INTERNAL, root: true }, ROOT_CONTEXT);
      try {
        return await context.with(trace.setSpan(ROOT_CONTEXT, span), () => inner.run(work, options));
      } catch (error) {
        markFailed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  };
}
