import type { Knex } from 'knex';

/** Where the rows of a series go: the n-th (from 1) is of campaign `firstCampaign + n % campaigns`. */
export interface OutboxSeries {
  /** Each row's event id is the prefix and its number in the series. */
  prefix: string;
  rows: number;
  campaigns?: number;
  firstCampaign?: number;
  published?: boolean;
}

/** PostgreSQL: a series of `CampaignPaused` outbox rows inserted in one statement, however many. */
export function insertOutboxSeries(db: Knex, series: OutboxSeries): Knex.Raw {
  const { prefix, rows, campaigns = 1, firstCampaign = 1, published = false } = series;
  return db.raw(
    `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, payload, occurred_at, created_at, published_at)
     SELECT ? || n, 'Campaign', ? + n % ?, 'CampaignPaused', '{}', now(), now(), ${published ? 'now()' : 'NULL'}
     FROM generate_series(1, ?) AS n`,
    [prefix, firstCampaign, campaigns, rows],
  );
}
