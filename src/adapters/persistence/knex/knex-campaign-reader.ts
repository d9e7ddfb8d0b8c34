import type { Knex } from 'knex';
import type { CampaignOrder, CampaignPage, CampaignQuery, CampaignReader } from '../../../application/index.js';
import { CampaignId, type CampaignSnapshot } from '../../../domain/index.js';
import { firstIdOf } from '../rows/campaign-buckets.js';
import { type CampaignRow, selectCampaignColumns, toSnapshot } from '../rows/campaign-rows.js';
import { caseFolded } from './case-folding.js';

export class KnexCampaignReader implements CampaignReader {
  /** A name matches a search when its folded case holds the search's (`case-folding.ts`). */
  private readonly nameHolds: string;

  constructor(private readonly db: Knex) {
    this.nameHolds = `${caseFolded(db, 'name')} LIKE ${caseFolded(db, '?')} ESCAPE '\\'`;
  }

  async findById(id: CampaignId): Promise<CampaignSnapshot | undefined> {
    const row: CampaignRow | undefined = await this.db('campaigns')
      .select(selectCampaignColumns(this.db))
      .where('campaigns.id', id.toString())
      .first();
    return row === undefined ? undefined : toSnapshot(row);
  }

  /** The original's list (every campaign, by id) takes the counted ranges; a filtered or reordered one is a query of its own. */
  list(query: CampaignQuery): Promise<CampaignPage> {
    const everyCampaignById = query.order === 'id' && !query.statuses?.length && !query.search?.trim();
    return everyCampaignById ? this.pageInIdOrder(query.offset, query.limit) : this.matchingPage(query);
  }

  /**
   * The total and the page's first id range come from `campaign_buckets`, so neither the count nor a deep offset
   * walks the campaigns before the page: the page is read from the first id of its range, skipping only the
   * campaigns of that range that come before it.
   */
  private async pageInIdOrder(offset: number, limit: number): Promise<CampaignPage> {
    const located = await this.db.raw(LOCATE_PAGE, [offset]);
    const found = (Array.isArray(located) ? located[0] : located.rows[0]) as {
      total: unknown;
      bucket: unknown;
      before: unknown;
    };
    const total = Number(found.total);
    if (found.bucket === null || found.bucket === undefined) return { total, campaigns: [] };
    const rows = await this.db('campaigns')
      .select(selectCampaignColumns(this.db))
      .where('campaigns.id', '>=', firstIdOf(BigInt(found.bucket as string | number)).toString())
      .orderBy('campaigns.id')
      .offset(offset - Number(found.before))
      .limit(limit);
    return { total, campaigns: (rows as CampaignRow[]).map(toSnapshot) };
  }

  /** Filtered by status or name, or ordered otherwise: counted and skipped through the matching campaigns. */
  private async matchingPage(query: CampaignQuery): Promise<CampaignPage> {
    const matching = () => this.db('campaigns').where((where) => filter(where, query, this.nameHolds));
    const [counted, rows] = await Promise.all([
      matching().count({ total: '*' }).first(),
      matching()
        .select(selectCampaignColumns(this.db))
        .orderByRaw(ORDER_BY[query.order])
        .offset(query.offset)
        .limit(query.limit),
    ]);
    return { total: Number(counted?.total ?? 0), campaigns: (rows as CampaignRow[]).map(toSnapshot) };
  }

  async findDue(now: Date, limit: number): Promise<CampaignId[]> {
    const rows: Array<{ id: string }> = await this.db('campaigns')
      .select(this.db.raw('CAST(id AS TEXT) AS id'))
      .where((due) =>
        due
          .where((q) =>
            q.where('status', 'scheduled').andWhere((w) => w.where('start_at', '<=', now).orWhere('end_at', '<=', now)),
          )
          .orWhere((q) => q.whereIn('status', ['running', 'paused']).andWhere('end_at', '<=', now)),
      )
      .orderByRaw('start_at IS NULL, start_at, end_at, campaigns.id')
      .limit(limit);
    return rows.map((row) => CampaignId.parse(String(row.id)));
  }
}

/** The total, and the id range holding the campaign at position `?` in id order with how many campaigns come before that range. */
const LOCATE_PAGE = `WITH ranked AS (
    SELECT bucket, campaigns, SUM(campaigns) OVER (ORDER BY bucket) AS through FROM campaign_buckets WHERE campaigns > 0
  )
  SELECT (SELECT COALESCE(SUM(campaigns), 0) FROM campaign_buckets) AS total, page.bucket, page.before
  FROM (SELECT 1 AS one) AS single
  LEFT JOIN (SELECT bucket, through - campaigns AS before FROM ranked WHERE through > ? ORDER BY bucket LIMIT 1) AS page ON true`;

const ORDER_BY: Record<CampaignOrder, string> = {
  id: 'campaigns.id',
  newest: 'created_at DESC, campaigns.id DESC',
  nextStart: 'start_at IS NULL, start_at, campaigns.id',
};

/** `nameHolds`: the condition, with one `?` for the LIKE pattern, that a name holds the search whatever its case. */
function filter(where: Knex.QueryBuilder, query: CampaignQuery, nameHolds: string): void {
  if (query.statuses !== undefined && query.statuses.length > 0) where.whereIn('status', [...query.statuses]);
  const search = query.search?.trim();
  if (search === undefined || search === '') return;
  where.andWhere((text) => {
    text.whereRaw(nameHolds, [`%${escapeLike(search)}%`]);
    if (CampaignId.isCanonical(search)) text.orWhere('campaigns.id', search);
  });
}

/** `%`, `_` and the escape character itself match only themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
