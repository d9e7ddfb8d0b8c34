import {
  CampaignAlreadyExists,
  type CampaignOrder,
  type CampaignPage,
  type CampaignQuery,
  type CampaignReader,
  type IdempotencyKey,
  IdempotencyKeyTaken,
  type StoredOutcome,
  type Transaction,
  type UnitOfWork,
} from '../../src/application/index.js';
import { Campaign, type CampaignEvent, type CampaignId, type CampaignSnapshot } from '../../src/domain/index.js';

interface State {
  campaigns: Map<string, CampaignSnapshot>;
  outbox: CampaignEvent[];
  idempotency: Map<string, StoredOutcome>;
}

/**
 * The unit of work, over campaigns, an outbox and idempotency records held in memory; it is also the CampaignReader
 * of those campaigns. Transactions work on a copy that replaces the committed state only when the work succeeds,
 * and they run one at a time, like SQLite's single writer: two transactions never interleave here, so races
 * between writers are tested on the real databases.
 */
export class InMemoryUnitOfWork implements UnitOfWork, CampaignReader {
  private state: State = { campaigns: new Map(), outbox: [], idempotency: new Map() };
  private queue: Promise<unknown> = Promise.resolve();
  transactionsRun = 0;
  /** Campaigns whose writes fail, as a database fails a write it refuses (a value out of its column's range). */
  readonly refusedWrites = new Set<string>();
  /** Called inside each transaction before the work; tests use it to interleave a competing change. */
  beforeWork: ((tx: Transaction) => Promise<void>) | undefined;

  get outbox(): readonly CampaignEvent[] {
    return this.state.outbox;
  }

  get idempotencyRecords(): number {
    return this.state.idempotency.size;
  }

  snapshotOf(id: CampaignId): CampaignSnapshot | undefined {
    return this.state.campaigns.get(id.toString());
  }

  put(campaign: Campaign): void {
    this.putSnapshot(campaign.snapshot());
  }

  /** Stores a snapshot as it is, even one no campaign could be in (as corrupt data would be). */
  putSnapshot(snapshot: CampaignSnapshot): void {
    this.state.campaigns.set(snapshot.id.toString(), snapshot);
  }

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const result = this.queue.then(() => this.runNow(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    this.transactionsRun++;
    const draft: State = {
      campaigns: new Map(this.state.campaigns),
      outbox: [...this.state.outbox],
      idempotency: new Map(this.state.idempotency),
    };
    const tx = transactionOver(draft, this.refusedWrites);
    if (this.beforeWork) await this.beforeWork(tx);
    const value = await work(tx);
    this.state = draft;
    return value;
  }

  async findById(id: CampaignId): Promise<CampaignSnapshot | undefined> {
    return this.state.campaigns.get(id.toString());
  }

  async list(query: CampaignQuery): Promise<CampaignPage> {
    const all = this.matching(query);
    return { total: all.length, campaigns: all.slice(query.offset, query.offset + query.limit) };
  }

  /** Each campaign's content and description as UTF-8 JSON, as a database would store them. */
  async pageBytes(query: CampaignQuery): Promise<number[]> {
    return this.matching(query)
      .slice(query.offset, query.offset + query.limit)
      .map((c) => Buffer.byteLength(JSON.stringify(c.content)) + Buffer.byteLength(c.description ?? ''));
  }

  private matching(query: CampaignQuery): CampaignSnapshot[] {
    const search = query.search?.trim().toLowerCase() ?? '';
    return [...this.state.campaigns.values()]
      .filter((c) => !query.statuses?.length || query.statuses.includes(c.status))
      .filter((c) => search === '' || c.name.toLowerCase().includes(search) || c.id.toString() === search)
      .sort(ORDERS[query.order]);
  }

  async findDue(now: Date, limit: number): Promise<CampaignId[]> {
    return [...this.state.campaigns.values()]
      .filter((c) => {
        const startDue = c.status === 'scheduled' && c.startAt !== null && c.startAt <= now;
        const endDue = ['scheduled', 'running', 'paused'].includes(c.status) && c.endAt !== null && c.endAt <= now;
        return startDue || endDue;
      })
      .sort(byDueOrder)
      .slice(0, limit)
      .map((c) => c.id);
  }
}

function transactionOver(draft: State, refusedWrites: ReadonlySet<string>): Transaction {
  const tx: Transaction = {
    campaigns: {
      async find(id) {
        const snapshot = draft.campaigns.get(id.toString());
        return snapshot && Campaign.restore(snapshot);
      },
      async insert(campaign) {
        if (draft.campaigns.has(campaign.id.toString())) throw new CampaignAlreadyExists(campaign.id.toString());
        draft.campaigns.set(campaign.id.toString(), campaign.snapshot());
      },
      async update(campaign, expectedVersion) {
        if (refusedWrites.has(campaign.id.toString())) throw new Error(`the write of campaign ${campaign.id} failed`);
        const stored = draft.campaigns.get(campaign.id.toString());
        if (stored?.version !== expectedVersion) return false;
        draft.campaigns.set(campaign.id.toString(), campaign.snapshot());
        return true;
      },
      async remove(campaign, expectedVersion) {
        if (draft.campaigns.get(campaign.id.toString())?.version !== expectedVersion) return false;
        draft.campaigns.delete(campaign.id.toString());
        return true;
      },
      async saveChange(campaign, expectedVersion, events) {
        const written = campaign.isDeleted
          ? await tx.campaigns.remove(campaign, expectedVersion)
          : await tx.campaigns.update(campaign, expectedVersion);
        if (written) await tx.outbox.append(events);
        return written;
      },
    },
    outbox: {
      async append(events) {
        draft.outbox.push(...events);
      },
    },
    idempotency: {
      async find(key) {
        return draft.idempotency.get(recordKey(key));
      },
      async remember(key, outcome) {
        if (draft.idempotency.has(recordKey(key))) throw new IdempotencyKeyTaken();
        draft.idempotency.set(recordKey(key), outcome);
      },
    },
  };
  return tx;
}

function recordKey(key: IdempotencyKey): string {
  return `${key.owner}\u0000${key.key}`;
}

const ORDERS: Record<CampaignOrder, (a: CampaignSnapshot, b: CampaignSnapshot) => number> = {
  id: (a, b) => compareIds(a.id, b.id),
  newest: (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareIds(b.id, a.id),
  nextStart: (a, b) =>
    (a.startAt?.getTime() ?? Infinity) - (b.startAt?.getTime() ?? Infinity) || compareIds(a.id, b.id),
};

const latestLast = (date: Date | null) => date?.getTime() ?? Number.POSITIVE_INFINITY;

/** The order the schedule handles due campaigns in: earliest start, then earliest end (none last), then lowest id. */
export function byDueOrder(a: CampaignSnapshot, b: CampaignSnapshot): number {
  return (
    latestLast(a.startAt) - latestLast(b.startAt) || latestLast(a.endAt) - latestLast(b.endAt) || compareIds(a.id, b.id)
  );
}

function compareIds(a: CampaignId, b: CampaignId): number {
  const x = BigInt(a.toString());
  const y = BigInt(b.toString());
  return x < y ? -1 : x > y ? 1 : 0;
}
