import fc from 'fast-check';
import { OutboxReading } from '../../../../src/application/relay/outbox-reading.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const LANES = 3;

type Step =
  /** The relay reads the next page of the outbox and hands each event to its lane, or holds the lane. */
  | { kind: 'read'; pageSize: number }
  /** A lane's batch settled: it takes `room` more events, and every held lane with room is released. */
  | { kind: 'free'; lane: number; room: number }
  /** Every lane's batch settled at once (the broker is back): each takes `room` more, then the held ones are released. */
  | { kind: 'freeAll'; room: number }
  /** A lane's batch failed: what it read ahead is dropped, to be read again, and it takes nothing until freed. */
  | { kind: 'fail'; lane: number; dropped: number }
  /** The reading starts again from the oldest event. */
  | { kind: 'restart' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('read' as const), pageSize: fc.integer({ min: 1, max: 4 }) }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant('free' as const),
      lane: fc.integer({ min: 0, max: LANES - 1 }),
      room: fc.integer({ min: 1, max: 2 }),
    }),
    weight: 3,
  },
  fc.record({ kind: fc.constant('freeAll' as const), room: fc.integer({ min: 1, max: 2 }) }),
  fc.record({
    kind: fc.constant('fail' as const),
    lane: fc.integer({ min: 0, max: LANES - 1 }),
    dropped: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant('restart' as const) }),
);

/**
 * The relay's use of the reading, reduced to what it decides: each lane takes events while it has room and is
 * held from the first one it cannot take; a lane given room again is released, every such lane at once.
 */
class ReadingModel {
  readonly reading = new OutboxReading();
  readonly taken = new Map<string, bigint[]>();
  private readonly room = new Map<string, number>();

  constructor(
    /** The lane of each event, the event's sequence being its index + 1. */
    private readonly lanes: readonly string[],
    initialRoom: number,
  ) {
    for (const lane of new Set(lanes)) {
      this.taken.set(lane, []);
      this.room.set(lane, initialRoom);
    }
  }

  read(pageSize: number): boolean {
    const from = Number(this.reading.position ?? 0n);
    const page = this.lanes.slice(from, from + pageSize).map((lane, i) => ({ lane, sequence: BigInt(from + i + 1) }));
    for (const { lane, sequence } of page) {
      if (this.reading.holds(lane) || this.taken.get(lane)!.includes(sequence)) continue;
      if (this.room.get(lane)! > 0) {
        this.room.set(lane, this.room.get(lane)! - 1);
        this.taken.get(lane)!.push(sequence);
      } else {
        this.reading.hold(lane, sequence);
      }
    }
    if (page.length > 0) this.reading.readTo(page[page.length - 1]!.sequence, (lane) => this.room.get(lane) === 0);
    return page.length === pageSize;
  }

  free(lanes: readonly string[], room: number): void {
    for (const lane of lanes) this.room.set(lane, (this.room.get(lane) ?? 0) + room);
    for (const held of this.reading.heldLanes()) if ((this.room.get(held) ?? 0) > 0) this.reading.release(held);
  }

  /** The lane's last `dropped` events taken are read again later; it is held from the first of them. */
  fail(lane: string, dropped: number): void {
    const taken = this.taken.get(lane);
    if (taken === undefined) return;
    const readAgain = taken.splice(Math.max(0, taken.length - dropped));
    this.room.set(lane, 0);
    if (readAgain.length > 0) this.reading.hold(lane, readAgain[0]!);
  }

  /** Every lane takes everything that is left: the reading goes back for each and reads to the newest. */
  drain(): void {
    this.free([...this.room.keys()], this.lanes.length);
    while (this.read(3));
  }

  /** The events of the lane, in outbox order. */
  eventsOf(lane: string): bigint[] {
    return this.lanes.flatMap((each, i) => (each === lane ? [BigInt(i + 1)] : []));
  }
}

describe('The outbox reading, generated: any pages, lanes held and released in any order, restarts', () => {
  it('hands each lane its events in outbox order, none skipped, and each of them once the lanes take all', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: LANES - 1 }), { minLength: 1, maxLength: 16 }),
        fc.array(step, { maxLength: 24 }),
        fc.integer({ min: 0, max: 1 }),
        (laneIndexes, steps, initialRoom) => {
          const model = new ReadingModel(
            laneIndexes.map((index) => `lane ${index}`),
            initialRoom,
          );
          const inOrderWithoutGaps = (when: string) => {
            for (const [lane, taken] of model.taken)
              expect(taken, `${lane}'s events taken ${when}`).to.deep.equal(
                model.eventsOf(lane).slice(0, taken.length),
              );
          };
          for (const next of steps) {
            if (next.kind === 'read') model.read(next.pageSize);
            else if (next.kind === 'free') model.free([`lane ${next.lane}`], next.room);
            else if (next.kind === 'freeAll') model.free([...model.taken.keys()], next.room);
            else if (next.kind === 'fail') model.fail(`lane ${next.lane}`, next.dropped);
            else model.reading.restart();
            inOrderWithoutGaps(`after ${JSON.stringify(next)}`);
          }
          model.drain();
          inOrderWithoutGaps('once every lane took all');
          for (const [lane, taken] of model.taken)
            expect(taken, `${lane} took all`).to.deep.equal(model.eventsOf(lane));
        },
      ),
      propertyParameters(2_000),
    );
  });
});
