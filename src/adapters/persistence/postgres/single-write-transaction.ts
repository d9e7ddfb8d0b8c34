import type { Transaction } from '../../../application/index.js';

/** A write that a unit run with `singleWrite` made besides its one `saveChange`, which no transaction would undo. */
export class SecondWriteRefused extends Error {
  constructor(write: string) {
    super(
      `a unit of work run with singleWrite wrote through ${write}: it may write once, through campaigns.saveChange`,
    );
  }
}

/**
 * The ports of a unit run outside any transaction: reads as usual, and the one atomic `saveChange`; every other
 * write, and any write after a `saveChange` that wrote, is refused before it reaches the database. A `saveChange`
 * that lost the race wrote nothing, so the unit may read again and retry it.
 */
export function singleWriteTransaction(tx: Transaction): Transaction {
  let written = false;
  const refused = (write: string) => () => Promise.reject(new SecondWriteRefused(write));
  return {
    campaigns: {
      find: (id) => tx.campaigns.find(id),
      insert: refused('campaigns.insert'),
      update: refused('campaigns.update'),
      remove: refused('campaigns.remove'),
      async saveChange(campaign, expectedVersion, events) {
        if (written) throw new SecondWriteRefused('campaigns.saveChange a second time');
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
