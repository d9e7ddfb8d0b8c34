import type { Knex } from 'knex';
import { foldCase } from '../../src/adapters/persistence/knex/case-folding.js';

/** Inserts `count` scheduled campaigns with ids first..first+count-1, fast, straight into the table. */
export async function seedScheduledCampaigns(db: Knex, first: number, count: number): Promise<void> {
  const now = new Date();
  const startAt = new Date(now.getTime() + 86_400_000);
  const endAt = new Date(now.getTime() + 30 * 86_400_000);
  const rows = Array.from({ length: count }, (_, n) => ({
    id: String(first + n),
    name: `Bench ${first + n}`,
    name_folded: foldCase(`Bench ${first + n}`),
    description: null,
    status: 'scheduled',
    start_at: startAt,
    end_at: endAt,
    created_at: now,
    created_by: 'bench',
    updated_at: now,
    updated_by: 'bench',
    version: 1,
  }));
  await db.transaction(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) await trx.batchInsert('campaigns', rows.slice(i, i + 500), 500);
  });
}
