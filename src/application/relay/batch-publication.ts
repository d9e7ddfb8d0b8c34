import type { Clock } from '../ports/clock.js';
import { PartlyPublished } from '../ports/event-publisher.js';
import type { PendingEvent, PendingEvents } from '../ports/pending-events.js';

/** What became of one batch: how many of its events were published and marked, and why the others were not. */
export type BatchOutcome =
  | { published: number; failure?: undefined; leftBehind?: undefined }
  | {
      published: number;
      failure: unknown;
      /** The events not marked published: the lane's retry sends them again as they are. */
      unsettled: readonly PendingEvent[];
      leftBehind?: undefined;
    }
  /** A row committed late below the batch belongs before it: the batch was not sent. */
  | { published: 0; leftBehind: true; failure?: undefined };

export interface BatchPublication {
  pending: PendingEvents;
  clock: Clock;
  /** Resolves once the broker acknowledged the batch (see EventPublisher.publish). */
  publish(batch: readonly PendingEvent[]): Promise<void>;
  /** The batch was read after a sequence, so a row committed late below it may be missing from it. */
  readPast: boolean;
}

/**
 * Publishes one batch and marks it published, only after the broker acknowledged it; never rejects. Of a batch
 * partly acknowledged, the acknowledged events are marked and only the others are left unsettled.
 */
export async function publishAndMark(batch: readonly PendingEvent[], how: BatchPublication): Promise<BatchOutcome> {
  const { pending, clock } = how;
  try {
    if (how.readPast && (await pending.leftBehind(batch))) return { published: 0, leftBehind: true };
    await how.publish(batch);
    await pending.markPublished(batch, clock.now());
    return { published: batch.length };
  } catch (error) {
    // Whatever is not marked goes again as it was (an acknowledged batch whose mark failed, too).
    if (!(error instanceof PartlyPublished) || error.acknowledged.length === 0) {
      return { published: 0, failure: error, unsettled: batch };
    }
    const acknowledged = new Set(error.acknowledged.map((event) => event.sequence));
    const marked = batch.filter((event) => acknowledged.has(event.sequence));
    try {
      await pending.markPublished(marked, clock.now());
    } catch (markError) {
      return { published: 0, failure: markError, unsettled: batch };
    }
    const unsettled = batch.filter((event) => !acknowledged.has(event.sequence));
    return { published: marked.length, failure: error, unsettled };
  }
}
