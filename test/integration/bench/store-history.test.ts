import type { Knex } from 'knex';
import { seedScheduledCampaigns } from '../../../bench/support/seed.js';
import { seedStoreHistory } from '../../../bench/support/store-history.js';
import { KnexCampaignReader } from '../../../src/adapters/persistence/knex/knex-campaign-reader.js';
import { KnexOutboxBacklog } from '../../../src/adapters/persistence/knex/knex-outbox-backlog.js';
import { toDate } from '../../../src/adapters/persistence/rows/database-values.js';
import { CampaignId } from '../../../src/domain/index.js';
import { DATABASE_KINDS, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';

const SEEDED = 10;
const HISTORY = 70;

for (const kind of DATABASE_KINDS) {
  describe(`The soak's store that has run before its traffic (${kind.name})`, function () {
    this.timeout(60_000);
    const database = useMigratedDatabase(kind);
    let db: Knex;
    before(async () => {
      db = database();
      await seedScheduledCampaigns(db, 1, SEEDED);
      await seedStoreHistory(db, SEEDED + 1, HISTORY);
    });

    it('holds its campaigns after the seeded ones, in every status a running service holds, each counted by the list', async () => {
      const reader = new KnexCampaignReader(db);
      const page = await reader.list({ offset: 0, limit: 1, order: 'id' });
      expect(page.total).to.equal(SEEDED + HISTORY);
      const statuses = (await db('campaigns')
        .where('id', '>', SEEDED)
        .select('status')
        .count({ n: '*' })
        .groupBy('status')) as Array<{ status: string; n: unknown }>;
      const counts = Object.fromEntries(statuses.map((row) => [row.status, Number(row.n)]));
      // Seventy campaigns go ten times round the cycle, which holds three scheduled in seven.
      expect(counts).to.deep.equal({ draft: 10, scheduled: 30, running: 10, paused: 10, completed: 10 });
      const last = await reader.findById(CampaignId.parse(String(SEEDED + HISTORY)));
      expect(last?.name).to.equal(`Bench ${SEEDED + HISTORY}`);
    });

    it('holds one event of each of them, every one already published, written in sequence order before the traffic', async () => {
      const rows = await db('outbox').select('aggregate_id', 'occurred_at', 'published_at').orderBy('sequence');
      expect(rows.map((row) => Number(row.aggregate_id))).to.deep.equal(
        Array.from({ length: HISTORY }, (_, n) => SEEDED + 1 + n),
      );
      const times = rows.map((row) => toDate(row.occurred_at).getTime());
      expect(times).to.deep.equal([...times].sort((a, b) => a - b));
      expect(times.at(-1)).to.be.at.most(Date.now());
      expect(rows.every((row) => row.published_at !== null)).to.equal(true);
      expect(await new KnexOutboxBacklog(db, 5).backlog()).to.deep.equal({ count: 0, oldestCreatedAt: null });
    });
  });
}
