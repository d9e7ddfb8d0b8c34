import type { OutboxSignal } from '../../application/index.js';

/** The outbox signal within one process: the units of work ring it, the relay beside them listens. */
export class InProcessOutboxSignal implements OutboxSignal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Answers the function that stops listening. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
