import type { DomainEvent } from '../../domain/index.js';

/** Events waiting to be published, written in the same transaction as the change that caused them. */
export interface Outbox {
  append(events: readonly DomainEvent[]): Promise<void>;
}
