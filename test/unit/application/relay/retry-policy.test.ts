import { retryDelay } from '../../../../src/application/index.js';
import { expect } from '../../../support/expect.js';

describe('retryDelay', () => {
  it('waits the initial delay first, doubles it after each failure, and stops at the maximum', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5, 60].map((failures) => retryDelay(failures, policy))).to.deep.equal([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });
});
