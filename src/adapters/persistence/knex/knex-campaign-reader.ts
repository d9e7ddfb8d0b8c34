import type { Knex } from 'knex';
import type { CampaignOrder, CampaignPage, CampaignQuery, CampaignReader } from '../../../application/index.js';
import { CampaignId, type CampaignSnapshot } from '../../../domain/index.js';
import { firstIdOf } from '../rows/campaign-buckets.js';
import { type CampaignRow, selectCampaignColumns, toSnapshot } from '../rows/campaign-rows.js';
import { foldCase, foldedNameHolds } from './case-folding.js';
import { LOCATE_PAGE, locatePageParameters } from './page-location.js';
import { plannedOnce } from './planned-once.js';

export class KnexCampaignReader implements CampaignReader {
  /** A name matches a search when its folded case holds the search folded (`case-folding.ts`). */
  private readonly nameHolds: string;

  constructor(private readonly db: Knex) {
    this.nameHolds = foldedNameHolds(db);
  }

  async findById(id: CampaignId): Promise<CampaignSnapshot | undefined> {
    const row: CampaignRow | undefined = await plannedOnce(
      this.db,
      this.db('campaigns').select(selectCampaignColumns(this.db)).where('campaigns.id', id.toString()).first(),
    );
    return row === undefined ? undefined : toSnapshot(row);
  }

  async list(query: CampaignQuery): Promise<CampaignPage> {
    const { total, rows } = await this.page(query, selectCampaignColumns(this.db), COUNTED);
    return { total: total ?? 0, campaigns: (rows as CampaignRow[]).map(toSnapshot) };
  }

  async pageBytes(query: CampaignQuery): Promise<number[]> {
    const { rows } = await this.page(query, [this.db.raw(`${STORED_BYTES} AS bytes`)], !COUNTED);
    return (rows as Array<{ bytes: unknown }>).map((row) => Number(row.bytes));
  }

  /**
   * The page's rows with `columns`, and its total when `counted`. The original's list (every campaign, by id) takes
   * the counted ranges; a filtered or reordered one is a query of its own.
   */
  private page(query: CampaignQuery, columns: Columns, counted: boolean): Promise<Page> {
    const everyCampaignById = query.order === 'id' && !query.statuses?.length && !query.search?.trim();
    return everyCampaignById
      ? this.pageInIdOrder(query.offset, query.limit, columns)
      : this.matchingPage(query, columns, counted);
  }

  /**
   * The total and the page's first id range come from the counted ranges (`page-location.ts`), so neither the
   * count nor a deep offset walks the campaigns before the page: the page is read from the first id of its range,
   * skipping only the campaigns of that range that come before it.
   */
  private async pageInIdOrder(offset: number, limit: number, columns: Columns): Promise<Page> {
    const located = await plannedOnce(this.db, this.db.raw(LOCATE_PAGE, locatePageParameters(offset)));
    const found = (Array.isArray(located) ? located[0] : located.rows[0]) as {
      total: unknown;
      bucket: unknown;
      before: unknown;
    };
    const total = Number(found.total);
    if (found.bucket === null || found.bucket === undefined) return { total, rows: [] };
    const rows = await plannedOnce(
      this.db,
      this.db('campaigns')
        .select(columns)
        .where('campaigns.id', '>=', firstIdOf(BigInt(found.bucket as string | number)).toString())
        .orderBy('campaigns.id')
        .offset(offset - Number(found.before))
        .limit(limit),
    );
    return { total, rows };
  }

  /** Filtered by status or name, or ordered otherwise: counted and skipped through the matching campaigns. */
  private async matchingPage(query: CampaignQuery, columns: Columns, counted: boolean): Promise<Page> {
    const matching = () => this.db('campaigns').where((where) => filter(where, query, this.nameHolds));
    const [total, rows] = await Promise.all([
      counted ? matching().count({ total: '*' }).first() : undefined,
      matching().select(columns).orderByRaw(ORDER_BY[query.order]).offset(query.offset).limit(query.limit),
    ]);
    return { total: total === undefined ? undefined : Number(total.total ?? 0), rows };
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
      .orderByRaw('start_at IS NULL, start_at, end_at IS NULL, end_at, campaigns.id')
      .limit(limit);
    return rows.map((row) => CampaignId.parse(String(row.id)));
  }
}

interface Page {
  /** Undefined when not counted. */
  total: number | undefined;
  rows: unknown[];
}

const COUNTED = true;

type Columns = Array<string | Knex.Raw>;

/** What a campaign's row holds beyond a few hundred bytes: its content and description, in stored (UTF-8) bytes. */
const STORED_BYTES = 'COALESCE(octet_length(content), 0) + COALESCE(octet_length(description), 0)';

const ORDER_BY: Record<CampaignOrder, string> = {
  id: 'campaigns.id',
  newest: 'created_at DESC, campaigns.id DESC',
  nextStart: 'start_at IS NULL, start_at, campaigns.id',
};

/** `nameHolds`: the condition, with one `?` for the folded LIKE pattern, that a name holds the search whatever its case. */
function filter(where: Knex.QueryBuilder, query: CampaignQuery, nameHolds: string): void {
  if (query.statuses !== undefined && query.statuses.length > 0) where.whereIn('status', [...query.statuses]);
  const search = query.search?.trim();
  if (search === undefined || search === '') return;
  where.andWhere((text) => {
    text.whereRaw(nameHolds, [`%${escapeLike(foldCase(search))}%`]);
    if (CampaignId.isCanonical(search)) text.orWhere('campaigns.id', search);
  });
}

/** `%`, `_` and the escape character itself match only themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
