import { type EventPublisher, PartlyPublished, type PendingEvent } from '../../application/index.js';
import { EventPublisherDecorator } from '../messaging/event-publisher-decorator.js';
import type { ServiceMetrics } from './service-metrics.js';

/** The same publisher, timing each acknowledged batch and counting its events. Failures are counted by the relay's log. */
export class MeasuredEventPublisher extends EventPublisherDecorator {
  constructor(
    inner: EventPublisher,
    private readonly metrics: ServiceMetrics,
  ) {
    super(inner);
  }

  async publish(events: readonly PendingEvent[]): Promise<void> {
    const stopTimer = this.metrics.relayPublishDuration.startTimer();
    try {
      await this.inner.publish(events);
    } catch (error) {
      if (error instanceof PartlyPublished) this.metrics.relayPublishedEvents.inc(error.acknowledged.length);
      throw error;
    }
    stopTimer();
    this.metrics.relayPublishedEvents.inc(events.length);
  }
}
