import type { Transaction } from '../../../application/index.js';

/** A write that a unit run with `singleWrite` made besides its one insert or `saveChange`, which no transaction would undo. */
export class SecondWriteRefused extends Error {
  constructor(write: string) {
    super(
      `a unit of work run with singleWrite wrote through ${write}: it may write once, through campaigns.insert or campaigns.saveChange`,
    );
  }
}

/**
 * The ports of a unit run outside any transaction: reads as usual, and one atomic write, an insert or a
 * `saveChange`; every other write, and any write after one that wrote, is refused before it reaches the database.
 * A `saveChange` that lost the race, like an insert refused, wrote nothing, so the unit may read again and retry.
 */
export function singleWriteTransaction(tx: Transaction): Transaction {
  let written = false;
  const refused = (write: string) => () => Promise.reject(new SecondWriteRefused(write));
  return {
    campaigns: {
      find: (id) => tx.campaigns.find(id),
      async insert(campaign) {
        if (written) throw new SecondWriteRefused('campaigns.insert after a write');
        await tx.campaigns.insert(campaign);
        written = true;
      },
      update: refused('campaigns.update'),
      remove: refused('campaigns.remove'),
      async saveChange(campaign, expectedVersion, events) {
        if (written) throw new SecondWriteRefused('campaigns.saveChange after a write');
        written = await tx.campaigns.saveChange(campaign, expectedVersion, events);
        return written;
      },
    },
    outbox: { append: refused('outbox.append') },
    idempotency: {
      find: (key) => tx.idempotency.find(key),
      remember: refused('idempotency.remember'),
    },
  };
}
