import type { Knex } from 'knex';
import type { CampaignOrder, CampaignPage, CampaignQuery, CampaignReader } from '../../../application/index.js';
import { CampaignId, type CampaignSnapshot, type CampaignStatus } from '../../../domain/index.js';
import { firstIdOf } from '../rows/campaign-buckets.js';
import { type CampaignRow, selectCampaignColumns, toSnapshot } from '../rows/campaign-rows.js';
import { foldCase, foldedNameHolds } from './case-folding.js';
import { compiledRead } from './compiled-read.js';
import { LOCATE_PAGE, locatePageParameters, STORED_CAMPAIGNS } from './page-location.js';
import { plannedOnce } from './planned-once.js';

/** What a page reads of each campaign: the campaign, or the bytes its answer will take (`pageBytes`). */
type Shape = 'campaigns' | 'bytes';

type IdOrderPage = (values: { firstId: unknown; skip: unknown; limit: unknown }) => Promise<unknown[]>;

interface LocatedPage {
  total: unknown;
  bucket: unknown;
  before: unknown;
}

export class KnexCampaignReader implements CampaignReader {
  /** A name matches a search when its folded case holds the search folded (`case-folding.ts`). */
  private readonly nameHolds: string;
  /**
   * That a campaign's start date is known, against the second key of `(status, (start_at IS NULL), start_at, id)`
   * (migration 016), so that a bound on the date reads a range of it: SQLite takes the key compared with FALSE;
   * PostgreSQL rewrites that into `start_at IS NOT NULL`, which is no key, and takes `IS FALSE`.
   */
  private readonly startKnown: string;
  private readonly columns: Record<Shape, Columns>;

  /**
   * The reads the API repeats most, whose texts never change, compiled once (compiledRead): a campaign by id (the
   * primary key), and the original's list of every campaign by id, located in the counted ranges and then read.
   */
  private readonly campaignById: (values: { id: unknown }) => Promise<CampaignRow[]>;
  private readonly locatePage: (values: { position: unknown }) => Promise<LocatedPage[]>;
  private readonly pagesInIdOrder: Record<Shape, IdOrderPage>;

  constructor(private readonly db: Knex) {
    this.nameHolds = foldedNameHolds(db);
    this.startKnown = db.client.config.client === 'pg' ? '(start_at IS NULL) IS FALSE' : '(start_at IS NULL) = FALSE';
    this.columns = { campaigns: selectCampaignColumns(db), bytes: [db.raw(`${STORED_BYTES} AS bytes`)] };
    this.campaignById = compiledRead(db, ['id'], ({ id }) =>
      db('campaigns').select(this.columns.campaigns).where('campaigns.id', id),
    );
    this.locatePage = compiledRead(db, ['position'], ({ position }) =>
      db.raw(LOCATE_PAGE, locatePageParameters(position)),
    );
    const inIdOrder = (shape: Shape): IdOrderPage =>
      compiledRead(db, ['firstId', 'skip', 'limit'], ({ firstId, skip, limit }) =>
        db('campaigns')
          .select(this.columns[shape])
          .where('campaigns.id', '>=', firstId)
          .orderBy('campaigns.id')
          .offset(skip)
          .limit(limit),
      );
    this.pagesInIdOrder = { campaigns: inIdOrder('campaigns'), bytes: inIdOrder('bytes') };
  }

  async findById(id: CampaignId): Promise<CampaignSnapshot | undefined> {
    const [row] = await this.campaignById({ id: id.toString() });
    return row === undefined ? undefined : toSnapshot(row);
  }

  async list(query: CampaignQuery): Promise<CampaignPage> {
    const { total, rows } = await this.page(query, 'campaigns', COUNTED);
    return { total: total ?? 0, campaigns: (rows as CampaignRow[]).map(toSnapshot) };
  }

  async pageBytes(query: CampaignQuery): Promise<number[]> {
    const { rows } = await this.page(query, 'bytes', !COUNTED);
    return (rows as Array<{ bytes: unknown }>).map((row) => Number(row.bytes));
  }

  /**
   * The page's rows of `shape`, and its total when `counted`. The original's list (every campaign, by id) takes
   * its page and total from the counted ranges; a filtered or reordered one reads its page along the order's keys.
   */
  private page(query: CampaignQuery, shape: Shape, counted: boolean): Promise<Page> {
    return query.order === 'id' && everyCampaign(query)
      ? this.pageInIdOrder(query.offset, query.limit, shape)
      : this.matchingPage(query, this.columns[shape], counted);
  }

  /**
   * The total and the page's first id range come from the counted ranges (`page-location.ts`), so neither the
   * count nor a deep offset walks the campaigns before the page: the page is read from the first id of its range,
   * skipping only the campaigns of that range that come before it.
   */
  private async pageInIdOrder(offset: number, limit: number, shape: Shape): Promise<Page> {
    // The locating statement answers one row, whatever the position: the total, and the range holding it if any.
    const found = (await this.locatePage({ position: offset }))[0]!;
    const total = Number(found.total);
    if (found.bucket === null || found.bucket === undefined) return { total, rows: [] };
    const rows = await this.pagesInIdOrder[shape]({
      firstId: firstIdOf(BigInt(found.bucket as string | number)).toString(),
      skip: offset - Number(found.before),
      limit,
    });
    return { total, rows };
  }

  /**
   * Filtered by status or name, or ordered otherwise: skipped through the matching campaigns, and counted through
   * them when filtered (the list of every campaign takes its total from the counted ranges in any order). The page's
   * ids are found first from the order's keys alone, so an index holding them skips campaigns without reading them;
   * then only the page's campaigns are read, in the keys' order. Each status is one range of `(status, id)`, of
   * `(status, created_at, id)` (migration 015) and of `(status, (start_at IS NULL), start_at, id)` (016), and
   * several are merged, so a page in any order sorts none of the campaigns before it.
   */
  private async matchingPage(query: CampaignQuery, columns: Columns, counted: boolean): Promise<Page> {
    const statuses = [...new Set(query.statuses ?? [])];
    const matching = (among: readonly CampaignStatus[]) =>
      this.db('campaigns').where((where) => filter(where, among, query.search, this.nameHolds));
    const keysOf = (among: readonly CampaignStatus[]) =>
      matching(among).select(keyColumns(query.order).map((key) => this.db.raw(key)));
    const pageKeys =
      statuses.length > 1
        ? merged(
            this.db,
            statuses.map((status) => keysOf([status])),
            query.order,
          )
        : keysOf(statuses).orderByRaw(inOrder(query.order, overCampaigns));
    const total = !counted
      ? undefined
      : everyCampaign(query)
        ? plannedOnce(this.db, this.db.raw(STORED_CAMPAIGNS)).then((answer) => firstRow<{ total: unknown }>(answer))
        : matching(statuses).count({ total: '*' }).first();
    const [counts, rows] = await Promise.all([
      total,
      this.db
        .select(columns)
        .from(pageKeys.offset(query.offset).limit(query.limit).as('page'))
        .join('campaigns', 'campaigns.id', 'page.order_id')
        .orderByRaw(inOrder(query.order, (key) => `page.${key.name}`)),
    ]);
    return { total: counts === undefined ? undefined : Number(counts.total ?? 0), rows };
  }

  async findDue(now: Date, limit: number): Promise<CampaignId[]> {
    const rows: Array<{ id: string }> = await this.db('campaigns')
      .select(this.db.raw('CAST(id AS TEXT) AS id'))
      .where((due) =>
        due
          .where((q) =>
            q
              .where('status', 'scheduled')
              .andWhere((w) =>
                w
                  .where((start) => start.whereRaw(this.startKnown).andWhere('start_at', '<=', now))
                  .orWhere('end_at', '<=', now),
              ),
          )
          .orWhere((q) => q.whereIn('status', ['running', 'paused']).andWhere('end_at', '<=', now)),
      )
      .orderByRaw('start_at IS NULL, start_at, end_at IS NULL, end_at, campaigns.id')
      .limit(limit);
    return rows.map((row) => CampaignId.parse(String(row.id)));
  }
}

/** Whether `query` lists every campaign: no status, no search. */
function everyCampaign(query: CampaignQuery): boolean {
  return !query.statuses?.length && !query.search?.trim();
}

/** The first row of a raw statement's answer, as each database gives it. */
function firstRow<Row>(answer: unknown): Row {
  return (Array.isArray(answer) ? answer[0] : (answer as { rows: unknown[] }).rows[0]) as Row;
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

/** A key of an order: what it orders by, the name the page selects it under, and whether it runs downwards. */
interface OrderKey {
  expression: string;
  name: string;
  descending?: boolean;
}

const ID_KEY = (descending?: boolean): OrderKey => ({ expression: 'campaigns.id', name: 'order_id', descending });

const ORDER_KEYS: Record<CampaignOrder, readonly OrderKey[]> = {
  id: [ID_KEY()],
  newest: [{ expression: 'created_at', name: 'order_created_at', descending: true }, ID_KEY(true)],
  nextStart: [
    { expression: 'start_at IS NULL', name: 'order_start_unknown' },
    { expression: 'start_at', name: 'order_start_at' },
    ID_KEY(),
  ],
};

/** The keys selected under their names. */
const keyColumns = (order: CampaignOrder): string[] =>
  ORDER_KEYS[order].map((key) => `${key.expression} AS ${key.name}`);

/** ORDER BY over each key as `term` writes it: its expression over the campaigns, or the name it was selected under. */
function inOrder(order: CampaignOrder, term: (key: OrderKey) => string): string {
  return ORDER_KEYS[order].map((key) => (key.descending ? `${term(key)} DESC` : term(key))).join(', ');
}

const overCampaigns = (key: OrderKey) => key.expression;
const byName = (key: OrderKey) => key.name;

/** `nameHolds`: the condition, with one `?` for the folded LIKE pattern, that a name holds the search whatever its case. */
function filter(
  where: Knex.QueryBuilder,
  statuses: readonly CampaignStatus[],
  searched: string | undefined,
  nameHolds: string,
): void {
  if (statuses.length === 1) where.where('status', statuses[0]!);
  if (statuses.length > 1) where.whereIn('status', [...statuses]);
  const search = searched?.trim();
  if (search === undefined || search === '') return;
  where.andWhere((text) => {
    text.whereRaw(nameHolds, [`%${escapeLike(foldCase(search))}%`]);
    if (CampaignId.isCanonical(search)) text.orWhere('campaigns.id', search);
  });
}

/**
 * The arms, each in the order, merged: both databases merge arms that each come in the compound's order (SQLite's
 * MERGE (UNION ALL), PostgreSQL's Merge Append), which is over the compound's own columns. PostgreSQL merges only
 * arms that are each ordered, in parentheses; SQLite takes neither.
 */
function merged(db: Knex, arms: Knex.QueryBuilder[], order: CampaignOrder): Knex.QueryBuilder {
  const eachOrdered = db.client.config.client === 'pg';
  const compound = db.unionAll(
    eachOrdered ? arms.map((arm) => arm.orderByRaw(inOrder(order, overCampaigns))) : arms,
    eachOrdered,
  );
  return compound.orderByRaw(inOrder(order, byName));
}

/** `%`, `_` and the escape character itself match only themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
