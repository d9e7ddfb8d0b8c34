import fc from 'fast-check';
import { CountingGate } from '../../../../src/adapters/persistence/knex/counting-gate.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

interface Caller {
  /** The step at which it asks to go through. */
  arrivesAt: number;
  /** Steps its work takes once inside. */
  holdsFor: number;
  fails: boolean;
}

const callers = fc.array(
  fc.record({
    arrivesAt: fc.integer({ min: 0, max: 15 }),
    holdsFor: fc.integer({ min: 0, max: 6 }),
    fails: fc.boolean(),
  }),
  { minLength: 1, maxLength: 40 },
);

const settled = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs the callers through a gate step by step: each step lets in those arriving, settles everything the step's
 * work made ready, then ends the works whose time is up. Answers what was seen.
 */
async function runThrough(capacity: number, schedule: readonly Caller[]) {
  const gate = new CountingGate(capacity, 60_000, () => new Error('timed out'));
  const order = schedule.map((caller, i) => ({ ...caller, i })).sort((a, b) => a.arrivesAt - b.arrivesAt);
  const admitted: number[] = [];
  const running = new Map<number, { endsAt: number; end: () => void }>();
  const outcomes: Array<'done' | 'failed'> = [];
  const seen = { mostInside: 0, idleWhileWaiting: false, countsOff: false };
  let step = 0;
  let asked = 0;
  const askedAt = new Map<number, number>();
  const answers = order.map(() => undefined as Promise<void> | undefined);
  for (; outcomes.filter(Boolean).length < order.length; step++) {
    for (const [n, caller] of order.entries()) {
      if (caller.arrivesAt !== step) continue;
      asked++;
      askedAt.set(caller.i, asked);
      answers[n] = gate
        .through(
          () =>
            new Promise<string>((resolve, reject) => {
              admitted.push(caller.i);
              running.set(caller.i, {
                endsAt: step + Math.max(1, caller.holdsFor),
                end: () => (caller.fails ? reject(new Error(`work ${caller.i} failed`)) : resolve(`work ${caller.i}`)),
              });
              seen.mostInside = Math.max(seen.mostInside, running.size);
            }),
        )
        .then(
          (value) => {
            expect(value).to.equal(`work ${caller.i}`);
            outcomes[caller.i] = 'done';
          },
          (error: Error) => {
            expect(error.message).to.equal(`work ${caller.i} failed`);
            outcomes[caller.i] = 'failed';
          },
        );
    }
    await settled();
    const waiting = asked - admitted.length;
    if (running.size < capacity && waiting > 0) seen.idleWhileWaiting = true;
    if (gate.running !== running.size || gate.queued !== waiting) seen.countsOff = true;
    for (const [i, work] of running) {
      if (work.endsAt > step) continue;
      running.delete(i);
      work.end();
    }
    await settled();
    if (step > 1_000) throw new Error('the callers never all went through');
  }
  await Promise.all(answers);
  return { admitted, outcomes, seen, askedAt };
}

describe('A counting gate', () => {
  it('lets at most its capacity in at once, in arrival order, never leaves a place idle while callers wait, counts both, and answers each with its own outcome', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), callers, async (capacity, schedule) => {
        const { admitted, outcomes, seen, askedAt } = await runThrough(capacity, schedule);
        expect(seen.mostInside).to.be.at.most(capacity);
        expect(seen.idleWhileWaiting).to.equal(false);
        expect(seen.countsOff, 'the gate counts those inside and those waiting as they are').to.equal(false);
        expect(admitted.map((i) => askedAt.get(i))).to.deep.equal(admitted.map((_, n) => n + 1));
        expect(outcomes).to.deep.equal(schedule.map((caller) => (caller.fails ? 'failed' : 'done')));
      }),
      propertyParameters(100),
    );
  });

  it('fails a caller that waited longer than its timeout, and gives the place it waited for to the next', async () => {
    const gate = new CountingGate(1, 30, () => new Error('no place within 30 ms'));
    let endFirst: () => void = () => undefined;
    const first = gate.through(() => new Promise<void>((resolve) => (endFirst = resolve)));
    const second = expect(gate.through(async () => 'second')).to.be.rejectedWith('no place within 30 ms');
    await new Promise((resolve) => setTimeout(resolve, 60));
    const third = gate.through(async () => 'third');
    await second;
    endFirst();
    await first;
    expect(await third).to.equal('third');
    expect(await gate.through(async () => 'after')).to.equal('after');
  });
});
