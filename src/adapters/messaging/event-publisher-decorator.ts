import type { EventPublisher, PendingEvent } from '../../application/index.js';

/** A publisher wrapped around another: all but `publish` is the inner one's, unchanged. */
export abstract class EventPublisherDecorator implements EventPublisher {
  constructor(protected readonly inner: EventPublisher) {}

  connect(): Promise<void> {
    return this.inner.connect();
  }

  whenWritable(withinMs: number, abandon: AbortSignal): Promise<boolean> {
    return this.inner.whenWritable(withinMs, abandon);
  }

  laneOf(event: PendingEvent): string {
    return this.inner.laneOf(event);
  }

  laneCount(): number | undefined {
    return this.inner.laneCount();
  }

  abstract publish(events: readonly PendingEvent[]): Promise<void>;
}
