import { OutboxReading } from '../../../../src/application/relay/outbox-reading.js';
import { expect } from '../../../support/expect.js';

const never = () => false;

/** The reading at 10, lane a held from 2 and lane b from 7, then both released in the given order. */
function readTo10ThenRelease(...order: ReadonlyArray<'a' | 'b'>): OutboxReading {
  const reading = new OutboxReading();
  reading.readTo(10n, never);
  reading.hold('a', 2n);
  reading.hold('b', 7n);
  for (const lane of order) reading.release(lane);
  return reading;
}

describe('The outbox reading', () => {
  it('goes back to the first event a released lane left, when that is earlier than where it is', () => {
    const reading = new OutboxReading();
    reading.readTo(10n, never);
    reading.hold('a', 4n);
    reading.release('a');
    expect(reading.position).to.equal(3n);
  });

  it('goes on from the furthest event read once every lane it went back for takes no more', () => {
    const reading = new OutboxReading();
    reading.readTo(10n, never);
    reading.hold('a', 4n);
    reading.release('a');
    reading.readTo(6n, (lane) => lane === 'a');
    expect(reading.position).to.equal(10n);
    expect(reading.holds('a'), 'the lane left the events after the page').to.equal(true);
  });

  it('does not jump past the events of a lane released after it went back for an earlier one', () => {
    const reading = readTo10ThenRelease('a', 'b');
    // Lane a takes no more after the first page back; lane b has not met its events yet.
    reading.readTo(4n, (lane) => lane === 'a');
    expect(reading.position, 'the reading goes on to the events lane b left').to.equal(4n);
    reading.readTo(8n, (lane) => lane === 'a');
    expect(reading.position, 'lane b still takes events: the reading goes on').to.equal(8n);
    reading.readTo(10n, never);
    expect(reading.position).to.equal(10n);
  });

  it('holds every lane it went back for that takes no more when it jumps ahead', () => {
    const reading = readTo10ThenRelease('b', 'a');
    reading.readTo(8n, () => true);
    expect(reading.position).to.equal(10n);
    expect(reading.heldLanes().sort()).to.deep.equal(['a', 'b']);
  });

  it('forgets a lane released before the reading reached the first event it left', () => {
    const reading = new OutboxReading();
    reading.readTo(5n, never);
    reading.hold('a', 8n);
    reading.release('a');
    expect(reading.position).to.equal(5n);
    reading.readTo(9n, (lane) => lane === 'a');
    expect(reading.position).to.equal(9n);
    expect(reading.holds('a')).to.equal(false);
  });
});
