import type { RelayLeadership } from '../../src/application/index.js';

/** A lease the test gives and takes away: while taken, the relay may not publish (another relay holds it). */
export class SwitchableLeadership {
  private held = true;

  /** The relay's view of it, as the relay loop asks it. */
  readonly leadership = {
    mayPublish: async () => this.held,
    renew: async () => undefined,
    stepDown: async () => undefined,
    renewEveryMs: 1_000,
  } as unknown as RelayLeadership;

  takeAway(): void {
    this.held = false;
  }

  giveBack(): void {
    this.held = true;
  }
}
