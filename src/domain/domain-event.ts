/** Something that happened to an aggregate; the adapters decide how it is stored and sent. */
export interface DomainEvent {
  readonly type: string;
  /** Unique per event: consumers drop repeats by it. */
  readonly eventId: string;
  readonly occurredAt: Date;
}

export abstract class AggregateRoot<Event extends DomainEvent> {
  private pending: Event[] = [];

  protected record(event: Event): void {
    this.pending.push(event);
  }

  /** Hands over the events recorded since the last call and forgets them. */
  pullEvents(): Event[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
