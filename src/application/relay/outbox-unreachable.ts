import type { PendingEvents } from '../ports/pending-events.js';
import type { RelayLease } from '../ports/relay-lease.js';

/**
 * The relay's own database work failed: reading or marking the outbox, or asking for the lease. Events wait in the
 * outbox as in a broker outage, but the broker is not to blame, and a relay that cannot ask for its lease cannot
 * tell whether it still leads.
 */
export class OutboxUnreachable extends Error {
  override readonly name = 'OutboxUnreachable';
  constructor(cause: unknown) {
    super('the relay cannot read or write the outbox: the database does not answer it', { cause });
  }
}

/** `pending` whose every failure is said as OutboxUnreachable. */
export function reachingTheOutbox(pending: PendingEvents): PendingEvents {
  return {
    next: (limit, after) => saidAsUnreachable(pending.next(limit, after)),
    markPublished: (events, at) => saidAsUnreachable(pending.markPublished(events, at)),
    leftBehind: (batch) => saidAsUnreachable(pending.leftBehind(batch)),
    stillWaiting: (batch) => saidAsUnreachable(pending.stillWaiting(batch)),
  };
}

/** `lease` whose every failure is said as OutboxUnreachable: the lease lives in the outbox's database. */
export function reachingTheLease(lease: RelayLease): RelayLease {
  return {
    acquire: () => saidAsUnreachable(lease.acquire()),
    release: () => saidAsUnreachable(lease.release()),
  };
}

function saidAsUnreachable<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw new OutboxUnreachable(error);
  });
}
