import { type OutboxRelaySettings, RelayLoop } from '../../../src/composition/relay-loop.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { InMemoryLeaseTable, LEASE_SETTINGS } from '../../fakes/in-memory-lease-table.js';
import { InMemoryPendingEvents } from '../../fakes/in-memory-pending-events.js';
import { RecordingPublisher } from '../../fakes/recording-publisher.js';
import { RecordingRelayLog } from '../../fakes/recording-relay-log.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';

const QUICK: OutboxRelaySettings = { batchSize: 3, pollIntervalMs: 1, retry: { initialDelayMs: 1, maxDelayMs: 2 } };

describe('Outbox relays sharing one outbox (one per service instance)', () => {
  let now: number;
  let table: InMemoryLeaseTable;
  let outbox: InMemoryPendingEvents;
  let broker: RecordingPublisher;
  let relays: RelayLoop[];
  let logs: Record<string, RecordingRelayLog>;

  const relay = (name: string) => {
    logs[name] = new RecordingRelayLog();
    const created = new RelayLoop(
      {
        pending: outbox,
        publisher: broker,
        leadership: table.leadershipFor(name),
        clock: new FixedClock(new Date(now)),
        log: logs[name],
      },
      QUICK,
    );
    relays.push(created);
    return created;
  };
  const published = () => broker.acknowledged.map((batch) => batch.map((event) => event.sequence));

  beforeEach(() => {
    now = 1_000_000;
    table = new InMemoryLeaseTable(() => now);
    outbox = new InMemoryPendingEvents();
    broker = new RecordingPublisher();
    relays = [];
    logs = {};
  });
  afterEach(async () => {
    for (const name of Object.keys(logs)) table.reconnect(name);
    broker.releaseAcks();
    await Promise.all(relays.map((r) => r.stop()));
  });

  it('publishes through the relay that holds the lease only; the other reports that it stands by', async () => {
    const a = relay('a');
    const b = relay('b');
    outbox.append(4);
    expect(await a.drain()).to.equal(4);
    outbox.append(2);
    expect(await b.drain()).to.equal(0);
    expect(await a.drain()).to.equal(2);
    expect(published()).to.deep.equal([[1n, 2n, 3n], [4n], [5n, 6n]]);
    expect(logs.a!.leadership).to.deep.equal(['leading']);
    expect(logs.b!.leadership).to.deep.equal(['standing by']);
  });

  it('takes over once the lease of a relay that stopped renewing expired, from the first event it did not mark', async () => {
    const a = relay('a');
    const b = relay('b');
    outbox.append(3);
    await a.drain();
    table.cutOffFromDatabase('a');
    outbox.append(4);
    now += LEASE_SETTINGS.ttlMs - 1;
    expect(await b.drain()).to.equal(0);
    now += 1;
    expect(await b.drain()).to.equal(4);
    expect(published()).to.deep.equal([[1n, 2n, 3n], [4n, 5n, 6n], [7n]]);
    expect(logs.b!.leadership).to.deep.equal(['standing by', 'leading']);
  });

  it('stops after the batch in flight when it loses the lease mid-drain, and the new holder publishes the rest', async () => {
    const a = relay('a');
    const b = relay('b');
    outbox.append(9);
    broker.holdAcks();
    const draining = a.drain();
    await eventually('the first batch is in flight', () => broker.waitingForAck === 1);
    table.cutOffFromDatabase('a');
    now += LEASE_SETTINGS.ttlMs;
    table.reconnect('a');
    expect(await table.leaseFor('b').acquire()).to.equal(true);
    broker.releaseAcks();
    expect(await draining).to.equal(3);
    expect(logs.a!.leadership).to.deep.equal(['leading', 'standing by']);
    expect(outbox.unpublished).to.deep.equal([4n, 5n, 6n, 7n, 8n, 9n]);
    expect(await b.drain()).to.equal(6);
    expect(published()).to.deep.equal([
      [1n, 2n, 3n],
      [4n, 5n, 6n],
      [7n, 8n, 9n],
    ]);
  });

  it('stands by, without reporting the end of an outage, when another relay took the lease while the broker was down', async () => {
    const a = relay('a');
    outbox.append(1);
    broker.goDown();
    a.start();
    await eventually('a reports the outage', () => logs.a!.outagesBegun.length === 1);
    table.cutOffFromDatabase('a');
    now += LEASE_SETTINGS.ttlMs;
    expect(await table.leaseFor('b').acquire()).to.equal(true);
    table.reconnect('a');
    broker.recover();
    await eventually('a stands by', () => logs.a!.leadership.at(-1) === 'standing by');
    expect(logs.a!.outagesEnded).to.deep.equal([]);
    expect(broker.events).to.deep.equal([]);
  });

  it('hands the lease over when the active relay stops, so the standby publishes without waiting for it to expire', async () => {
    const a = relay('a');
    const b = relay('b');
    a.start();
    await eventually('a leads', () => logs.a!.leadership.includes('leading'));
    b.start();
    await eventually('b stands by', () => logs.b!.leadership.includes('standing by'));
    await a.stop();
    outbox.append(2);
    await eventually('b published the new events', () => broker.events.length === 2);
    expect(table.holder).to.equal('b');
  });

  it('never has two relays publishing at once while the lease passes back and forth, and publishes every event in order', async () => {
    broker.acknowledgeLater = true;
    const names = ['a', 'b', 'c'];
    for (const name of names) relay(name).start();
    // At least 300 turns, and on until the lease has passed to a second relay: a standby asks on a real timer, which
    // a busy machine may not fire within 300 turns of the event loop.
    let tick = 0;
    while (tick < 300 || (new Set(table.takeovers).size < 2 && tick < 3_000)) {
      tick++;
      outbox.append(2, String(tick % 7));
      now += 250;
      if (tick % 40 === 0) {
        for (const name of names) table.reconnect(name);
        if (table.holder !== undefined) table.cutOffFromDatabase(table.holder);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const name of names) table.reconnect(name);
    await eventually('every event is published', () => outbox.unpublished.length === 0);

    expect(broker.mostInFlight).to.equal(1);
    expect(new Set(table.takeovers).size, `takeovers: ${table.takeovers.join(' ')}`).to.be.above(1);
    const firstDeliveries = [...new Set(broker.events.map((event) => event.sequence))];
    expect(firstDeliveries).to.deep.equal(Array.from({ length: 2 * tick }, (_, i) => BigInt(i + 1)));
  });

  /** Relay a, which reaches the database but not the brokers, and hands the lease over after 30 s of that. */
  const relayCutOffFromBrokers = () => {
    const clock = new FixedClock(new Date(now));
    const cutOffBroker = new RecordingPublisher();
    cutOffBroker.goDown(new Error('connect ETIMEDOUT'));
    logs.a = new RecordingRelayLog();
    const a = new RelayLoop(
      {
        pending: outbox,
        publisher: cutOffBroker,
        leadership: table.leadershipFor('a'),
        clock,
        log: logs.a,
        monotonic: () => clock.now().getTime(),
      },
      { ...QUICK, handOverAfterMs: 30_000 },
    );
    relays.push(a);
    return { clock, cutOffBroker, a };
  };

  it('hands the lease over when its holder cannot reach the brokers for longer than the bound, and the other relay publishes', async () => {
    const { clock, cutOffBroker, a } = relayCutOffFromBrokers();
    outbox.append(3);
    a.start();
    await eventually('a holds the lease and fails', () => logs.a!.outagesBegun.length === 1);
    const b = relay('b');
    b.start();
    await eventually('b stands by', () => logs.b!.leadership.includes('standing by'));
    expect(broker.events).to.deep.equal([]);
    clock.advance(30_000);
    await eventually('b publishes every event', () => broker.events.length === 3);
    await eventually('a stands by', () => logs.a!.leadership.includes('standing by'));
    expect(logs.a.leadership).to.deep.equal(['leading', 'handing over', 'standing by']);
    expect(table.holder).to.equal('b');
    expect(cutOffBroker.events).to.deep.equal([]);
  });

  it('takes the lease back when no other relay took it, says so, and reports the outage ended once it publishes again', async () => {
    const { clock, cutOffBroker, a } = relayCutOffFromBrokers();
    outbox.append(2);
    a.start();
    await eventually('a fails', () => logs.a!.outagesBegun.length === 1);
    clock.advance(30_000);
    await eventually('a hands the lease over', () => logs.a!.leadership.includes('handing over'));
    cutOffBroker.recover();
    await eventually('a publishes again', () => cutOffBroker.events.length === 2);
    await eventually('the outage is reported ended', () => logs.a!.outagesEnded.length === 1);
    expect(logs.a.outagesBegun).to.have.length(1);
    expect(logs.a.leadership).to.deep.equal(['leading', 'handing over', 'took the lease back']);
  });
});
