import type { Knex } from 'knex';
import type { Transaction } from '../../../application/index.js';
import { carriedTraceContext, carrying } from '../../tracing/carried-trace-context.js';
import type { CoalescedCampaigns } from './coalesced-campaigns.js';
import { writeOnPooledConnection } from './pooled-connection.js';
import { postgresTransaction } from './postgres-transaction.js';

/**
 * The ports of a unit run outside any transaction whose campaign reads, inserts and changes join the statements of
 * other units (`CoalescedCampaigns`). Everything else, the rare removal among them, is one statement of its own on
 * a pooled connection. Wrapped in `singleWriteTransaction`, which refuses every write but one insert or `saveChange`.
 */
export function coalescedTransaction(db: Knex, coalesced: CoalescedCampaigns, onAppend: () => void): Transaction {
  const alone = <T>(use: (tx: Transaction) => Promise<T>): Promise<T> => {
    // The trace context carried to this call is current only until its first await.
    const traceContext = carriedTraceContext();
    return writeOnPooledConnection(db, (connection) =>
      carrying(traceContext, () => use(postgresTransaction(connection, onAppend))),
    );
  };
  return {
    campaigns: {
      find: (id) => coalesced.find(id),
      insert: (campaign) => coalesced.insert(campaign),
      update: (campaign, expectedVersion) => alone((tx) => tx.campaigns.update(campaign, expectedVersion)),
      remove: (campaign, expectedVersion) => alone((tx) => tx.campaigns.remove(campaign, expectedVersion)),
      async saveChange(campaign, expectedVersion, events) {
        if (campaign.isDeleted) return alone((tx) => tx.campaigns.saveChange(campaign, expectedVersion, events));
        const written = await coalesced.saveChange(campaign, expectedVersion, events);
        if (written && events.length > 0) onAppend();
        return written;
      },
    },
    outbox: { append: (events) => alone((tx) => tx.outbox.append(events)) },
    idempotency: {
      find: (key) => alone((tx) => tx.idempotency.find(key)),
      remember: (key, outcome, at) => alone((tx) => tx.idempotency.remember(key, outcome, at)),
    },
  };
}
