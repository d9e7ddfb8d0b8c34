import { RelayLeadership, type RelayLease } from '../../../src/application/index.js';
import { LeaseRenewal } from '../../../src/composition/lease-renewal.js';
import { InMemoryLeaseTable } from '../../fakes/in-memory-lease-table.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';

describe('LeaseRenewal', () => {
  let table: InMemoryLeaseTable;
  let questions: number;
  let leadership: RelayLeadership;
  let renewal: LeaseRenewal;

  beforeEach(() => {
    table = new InMemoryLeaseTable(() => 0);
    questions = 0;
    const lease = table.leaseFor('a');
    const counted: RelayLease = {
      acquire: () => {
        questions++;
        return lease.acquire();
      },
      release: () => lease.release(),
    };
    leadership = new RelayLeadership(counted, { ttlMs: 500, renewEveryMs: 5 }, () => 0);
    renewal = new LeaseRenewal(leadership);
  });
  afterEach(async () => {
    renewal.stop();
    await leadership.stepDown();
  });

  it('renews the lease in the background while held, so a relay busy with a long batch keeps it', async () => {
    expect(await leadership.mayPublish()).to.equal(true);
    renewal.start();
    await eventually('the lease was renewed three times without being asked', () => questions >= 4);
  });

  it('renews nothing once stopped', async () => {
    expect(await leadership.mayPublish()).to.equal(true);
    renewal.start();
    await eventually('the lease was renewed', () => questions >= 2);
    renewal.stop();
    const renewed = questions;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(questions).to.equal(renewed);
  });
});
