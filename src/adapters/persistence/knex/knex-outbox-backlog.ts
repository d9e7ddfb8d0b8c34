import type { Knex } from 'knex';
import type { OutboxBacklog, OutboxBacklogSource } from '../../observability/relay-status.js';
import { toDateOrNull } from '../rows/database-values.js';

/** Counts the unpublished outbox rows (the `outbox_unpublished` index covers the query). */
export class KnexOutboxBacklog implements OutboxBacklogSource {
  constructor(private readonly db: Knex) {}

  async backlog(): Promise<OutboxBacklog> {
    const row = await this.db('outbox')
      .whereNull('published_at')
      .first(this.db.raw('count(*) AS count'), this.db.raw('min(created_at) AS oldest'));
    return { count: Number(row?.count ?? 0), oldestCreatedAt: toDateOrNull(row?.oldest) };
  }
}
