import { RelayLeadership } from '../../../src/application/index.js';
import { LeaseRenewal } from '../../../src/composition/lease-renewal.js';
import { InMemoryLeaseTable } from '../../fakes/in-memory-lease-table.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';

describe('LeaseRenewal', () => {
  let table: InMemoryLeaseTable;
  let questions: { asked: number };
  let leadership: RelayLeadership;
  let renewal: LeaseRenewal;

  beforeEach(() => {
    table = new InMemoryLeaseTable(() => 0);
    const counted = table.countedLeaseFor('a');
    questions = counted.questions;
    leadership = new RelayLeadership(counted.lease, { ttlMs: 500, renewEveryMs: 5 }, () => 0);
    renewal = new LeaseRenewal(leadership);
  });
  afterEach(async () => {
    renewal.stop();
    await leadership.stepDown();
  });

  it('renews the lease in the background while held, so a relay busy with a long batch keeps it', async () => {
    expect(await leadership.mayPublish()).to.equal(true);
    renewal.start();
    await eventually('the lease was renewed three times without being asked', () => questions.asked >= 4);
  });

  it('renews nothing once stopped', async () => {
    expect(await leadership.mayPublish()).to.equal(true);
    renewal.start();
    await eventually('the lease was renewed', () => questions.asked >= 2);
    renewal.stop();
    const renewed = questions.asked;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(questions.asked).to.equal(renewed);
  });
});
