import { RelayLeadership } from '../../../../src/application/index.js';
import { InMemoryLeaseTable, LEASE_SETTINGS } from '../../../fakes/in-memory-lease-table.js';
import { expect } from '../../../support/expect.js';

const { ttlMs, renewEveryMs } = LEASE_SETTINGS;

describe('RelayLeadership', () => {
  let now: number;
  let table: InMemoryLeaseTable;
  let leaderships: RelayLeadership[];

  const leadershipOf = (relay: string, lease = table.leaseFor(relay)) => {
    const leadership = new RelayLeadership(lease, LEASE_SETTINGS, () => now);
    leaderships.push(leadership);
    return leadership;
  };
  /** "May I publish?", with a failure to reach the database counted as no, as the relay counts it. */
  const mayPublish = (leadership: RelayLeadership) => leadership.mayPublish().catch(() => false);

  beforeEach(() => {
    now = 1_000_000;
    table = new InMemoryLeaseTable(() => now);
    leaderships = [];
  });
  afterEach(async () => {
    for (const relay of ['a', 'b']) table.reconnect(relay);
    await Promise.all(leaderships.map((leadership) => leadership.stepDown()));
  });

  it('takes a free lease, and answers yes without asking again while more than a renewal period of it is left', async () => {
    const { lease, questions } = table.countedLeaseFor('a');
    const a = leadershipOf('a', lease);
    expect(await a.mayPublish()).to.equal(true);
    now += ttlMs - renewEveryMs - 1;
    expect(await a.mayPublish()).to.equal(true);
    expect(questions.asked).to.equal(1);
    now += 1;
    expect(await a.mayPublish()).to.equal(true);
    expect(questions.asked).to.equal(2);
  });

  it('answers no while another relay holds the lease, and yes once that lease expired', async () => {
    const a = leadershipOf('a');
    const b = leadershipOf('b');
    expect(await a.mayPublish()).to.equal(true);
    table.cutOffFromDatabase('a');
    now += ttlMs - 1;
    expect(await b.mayPublish()).to.equal(false);
    now += 1;
    expect(await b.mayPublish()).to.equal(true);
    expect(table.takeovers).to.deep.equal(['a', 'b']);
  });

  it('stops answering yes a renewal period before its lease can expire when it cannot renew, so two relays never both may', async () => {
    const a = leadershipOf('a');
    const b = leadershipOf('b');
    expect(await a.mayPublish()).to.equal(true);
    table.cutOffFromDatabase('a');
    const answers: string[] = [];
    for (let step = 0; step <= (2 * ttlMs) / 250; step++) {
      const [mayA, mayB] = [await mayPublish(a), await mayPublish(b)];
      expect(mayA && mayB, `both may publish ${step * 250} ms after a renewed`).to.equal(false);
      const answer = mayA ? 'a' : mayB ? 'b' : 'none';
      if (answers.at(-1) !== answer) answers.push(answer);
      now += 250;
    }
    expect(answers).to.deep.equal(['a', 'none', 'b']);
  });

  it('learns at its next question that another relay took the lease while it could not renew', async () => {
    const a = leadershipOf('a');
    const b = leadershipOf('b');
    expect(await a.mayPublish()).to.equal(true);
    table.cutOffFromDatabase('a');
    now += ttlMs;
    expect(await b.mayPublish()).to.equal(true);
    table.reconnect('a');
    expect(await a.mayPublish()).to.equal(false);
    expect(table.holder).to.equal('b');
  });

  it('renews the lease when asked while it holds it, and does nothing when asked while it does not', async () => {
    const { lease, questions } = table.countedLeaseFor('a');
    const a = leadershipOf('a', lease);
    await a.renew();
    expect(questions.asked, 'renewals before the lease was taken').to.equal(0);
    expect(await a.mayPublish()).to.equal(true);
    now += renewEveryMs;
    await a.renew();
    expect(questions.asked).to.equal(2);
    now += ttlMs - renewEveryMs - 1;
    expect(await a.mayPublish()).to.equal(true);
    expect(questions.asked, 'no question more: the renewal extended the lease').to.equal(2);
    await a.stepDown();
    await a.renew();
    expect(questions.asked, 'renewals after stepping down').to.equal(2);
  });

  it('gives the lease up when stepping down, so another relay may publish at once', async () => {
    const a = leadershipOf('a');
    const b = leadershipOf('b');
    expect(await a.mayPublish()).to.equal(true);
    await a.stepDown();
    expect(await b.mayPublish()).to.equal(true);
    expect(table.holder).to.equal('b');
  });

  it('gives up nothing when stepping down without holding the lease', async () => {
    const a = leadershipOf('a');
    const b = leadershipOf('b');
    expect(await a.mayPublish()).to.equal(true);
    expect(await b.mayPublish()).to.equal(false);
    await b.stepDown();
    expect(table.holder).to.equal('a');
  });
});
