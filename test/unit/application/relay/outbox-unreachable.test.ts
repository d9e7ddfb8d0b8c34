import fc from 'fast-check';
import {
  OutboxUnreachable,
  type PendingEvents,
  type RelayLease,
  reachingTheLease,
  reachingTheOutbox,
} from '../../../../src/application/index.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

/** A port of the relay's database whose every call fails with `cause`. */
function failing<T extends object>(names: ReadonlyArray<keyof T>, cause: Error): T {
  return Object.fromEntries(names.map((name) => [name, () => Promise.reject(cause)])) as T;
}

const OUTBOX_CALLS: Array<(pending: PendingEvents) => Promise<unknown>> = [
  (pending) => pending.next(10),
  (pending) => pending.markPublished([{ sequence: 1n, eventId: 'event-1' }], new Date()),
  (pending) => pending.leftBehind([]),
  (pending) => pending.stillWaiting([]),
];
const LEASE_CALLS: Array<(lease: RelayLease) => Promise<unknown>> = [
  (lease) => lease.acquire(),
  (lease) => lease.release(),
];

describe("The relay's database work", () => {
  it('fails as OutboxUnreachable, its cause kept, whichever call of the outbox or the lease fails and however (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.nat(OUTBOX_CALLS.length + LEASE_CALLS.length - 1), async (message, call) => {
        const cause = new Error(message);
        const pending = reachingTheOutbox(
          failing<PendingEvents>(['next', 'markPublished', 'leftBehind', 'stillWaiting'], cause),
        );
        const lease = reachingTheLease(failing<RelayLease>(['acquire', 'release'], cause));
        const work =
          call < OUTBOX_CALLS.length ? OUTBOX_CALLS[call]!(pending) : LEASE_CALLS[call - OUTBOX_CALLS.length]!(lease);
        const error = await work.then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error).to.be.instanceOf(OutboxUnreachable);
        expect((error as Error).cause).to.equal(cause);
      }),
      propertyParameters(60),
    );
  });

  it('answers as the port answers when it does not fail', async () => {
    const pending = reachingTheOutbox({
      next: async () => [],
      markPublished: async () => undefined,
      leftBehind: async () => true,
      stillWaiting: async () => false,
    });
    expect(await pending.next(5)).to.deep.equal([]);
    expect(await pending.leftBehind([])).to.equal(true);
    expect(await pending.stillWaiting([])).to.equal(false);
    expect(await reachingTheLease({ acquire: async () => true, release: async () => undefined }).acquire()).to.equal(
      true,
    );
  });
});
