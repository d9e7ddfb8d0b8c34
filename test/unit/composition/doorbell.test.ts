import { Doorbell } from '../../../src/composition/doorbell.js';
import { expect } from '../../support/expect.js';

describe('Doorbell', () => {
  it('wakes a waiter when it rings, and answers that it rang', async () => {
    const bell = new Doorbell();
    const waiting = bell.wait(3_600_000);
    bell.ring();
    expect(await waiting).to.equal(true);
  });

  it('keeps a ring while nobody waits: the next wait returns at once, and only that one', async () => {
    const bell = new Doorbell();
    bell.ring();
    expect(await bell.wait(3_600_000)).to.equal(true);
    expect(await bell.wait(5)).to.equal(false);
  });
});
