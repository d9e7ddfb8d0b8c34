import type { Campaign } from '../../../domain/index.js';

/**
 * The name each campaign had when it was read, so that its next write sets the name's folded copy only when the
 * name changed: a start writes no more columns than it did before the copy existed. A campaign not read here, or
 * written once since it was read, counts as renamed.
 */
export class NamesRead {
  private readonly names = new WeakMap<Campaign, string>();

  remember(campaign: Campaign, name: string): Campaign {
    this.names.set(campaign, name);
    return campaign;
  }

  /** Whether writing `campaign` with `name` changes the name it was read with; the write replaces what was read. */
  renamedBy(campaign: Campaign, name: string): boolean {
    const read = this.names.get(campaign);
    this.names.delete(campaign);
    return read !== name;
  }
}
