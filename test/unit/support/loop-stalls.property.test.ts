import fc from 'fast-check';
import { expect } from '../../support/expect.js';
import { withLoopStalls } from '../../support/loop-stalls.js';
import { propertyParameters } from '../../support/property-runs.js';

/** Holds the event loop for `ms`, as a collection or a paused machine would. */
function holdTheLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('The event-loop stalls a timing test allows for', () => {
  it('counts a hold of the loop while the measured work ran, and hands back its value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 30, max: 150 }), fc.integer({ min: 0, max: 20 }), async (heldMs, waitMs) => {
        const { value, stalledMs } = await withLoopStalls(async () => {
          await new Promise((resolve) => setTimeout(resolve, waitMs));
          holdTheLoop(heldMs);
          await new Promise((resolve) => setTimeout(resolve, 15));
          return heldMs;
        });
        expect(value).to.equal(heldMs);
        // The histogram's timer (every 10 ms) sees the hold less at most one period.
        expect(stalledMs).to.be.at.least(heldMs - 10);
      }),
      propertyParameters(12),
    );
  });

  it('counts nothing for a loop left free', async () => {
    const { stalledMs } = await withLoopStalls(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(stalledMs).to.be.below(100);
  });
});
