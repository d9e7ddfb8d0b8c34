/** Something that happened to an aggregate, in the shape the outbox stores and the relay publishes. */
export interface DomainEvent {
  readonly eventId: string;
  readonly type: string;
  readonly aggregateId: string;
  readonly occurredAt: Date;
  /** JSON-ready body of the event; ids are strings, times ISO-8601. */
  readonly payload: Readonly<Record<string, unknown>>;
}

export abstract class AggregateRoot {
  private pending: DomainEvent[] = [];

  protected record(event: DomainEvent): void {
    this.pending.push(event);
  }

  /** Hands over the events recorded since the last call and forgets them. */
  pullEvents(): DomainEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
