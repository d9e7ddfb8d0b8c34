import type { ServiceMetrics } from './service-metrics.js';

/** The shape of the application's EventPublisher port, for any kind of event. */
export interface BatchPublisher<E> {
  connect(): Promise<void>;
  publish(events: readonly E[]): Promise<void>;
}

/** The same publisher, timing each acknowledged batch and counting its events. Failures are counted by the relay's log. */
export class MeasuredEventPublisher<E> implements BatchPublisher<E> {
  constructor(
    private readonly inner: BatchPublisher<E>,
    private readonly metrics: ServiceMetrics,
  ) {}

  connect(): Promise<void> {
    return this.inner.connect();
  }

  async publish(events: readonly E[]): Promise<void> {
    const stopTimer = this.metrics.relayPublishDuration.startTimer();
    await this.inner.publish(events);
    stopTimer();
    this.metrics.relayPublishedEvents.inc(events.length);
  }
}
