import type { Knex } from 'knex';

/** Forgets idempotency keys once they are older than the retention (at least 24 hours by default). */
export class IdempotencyJanitor {
  constructor(
    private readonly db: Knex,
    private readonly retentionMs: number,
  ) {}

  async prune(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    return Number(await this.db('idempotency_keys').where('created_at', '<', cutoff).delete());
  }
}
