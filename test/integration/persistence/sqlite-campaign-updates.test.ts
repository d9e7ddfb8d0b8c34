import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { openDatabase } from '../../../src/adapters/persistence/knex/open-database.js';
import { migrateToLatest } from '../../../src/adapters/persistence/migrations/index.js';
import { toRow, WRITTEN_CAMPAIGN_COLUMNS } from '../../../src/adapters/persistence/rows/campaign-rows.js';
import { bindable } from '../../../src/adapters/persistence/sqlite/prepared-statements.js';
import { SqliteGroupCommitUnitOfWork } from '../../../src/adapters/persistence/sqlite/sqlite-group-commit-unit-of-work.js';
import { Campaign, type CampaignChanges, CampaignId, type CampaignSnapshot } from '../../../src/domain/index.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';

const now = new Date('2031-03-01T00:00:00Z');
const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000);

type Step =
  | { verb: 'start' | 'pause' | 'resume' | 'terminate' | 'delete' | 'complete'; hours: number }
  | { verb: 'modify' | 'restart'; hours: number; changes: CampaignChanges };

const changes: fc.Arbitrary<CampaignChanges> = fc.record(
  {
    name: fc.constantFrom('Spring sale', 'Summer sale', 'Sale', 'SALE', 'ÉLAN vital', 'ΟΔΟΣ'),
    description: fc.constantFrom(null, 'A sale', 'Another sale'),
    startAt: fc.integer({ min: 1, max: 40 }).map(at),
    endAt: fc.integer({ min: 41, max: 90 }).map(at),
    zone: fc.constantFrom(null, 'Europe/Paris', 'Asia/Kolkata'),
    status: fc.constantFrom('draft' as const, 'scheduled' as const),
    content: fc.record({ campaignType: fc.constantFrom('', 'Marketing', 'Alerts') }),
  },
  { requiredKeys: [] },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    verb: fc.constantFrom('start' as const, 'pause' as const, 'resume' as const, 'terminate' as const),
    hours: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ verb: fc.constantFrom('delete' as const, 'complete' as const), hours: fc.integer({ min: 1, max: 100 }) }),
  fc.record({
    verb: fc.constantFrom('modify' as const, 'restart' as const),
    hours: fc.integer({ min: 1, max: 30 }),
    changes,
  }),
);

function apply(campaign: Campaign, next: Step, clockHours: number): void {
  const act = { now: at(clockHours), eventId: `e-${clockHours}`, by: 'bob' };
  if (next.verb === 'start') campaign.start({ ...act, trigger: 'manual' });
  else if (next.verb === 'modify') campaign.modify(next.changes, act);
  else if (next.verb === 'restart') campaign.restart(next.changes, act);
  else campaign[next.verb](act);
}

describe('A campaign written on SQLite', () => {
  let dir: string;
  let db: Knex;
  let unitOfWork: SqliteGroupCommitUnitOfWork;
  let lastId = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'campaign-updates-'));
    db = openDatabase({ kind: 'sqlite', filename: join(dir, 'c.sqlite') });
    await migrateToLatest(db);
    unitOfWork = new SqliteGroupCommitUnitOfWork(db);
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const storedRow = async (id: CampaignId) =>
    (await db('campaigns')
      .select(WRITTEN_CAMPAIGN_COLUMNS.map((c) => (c === 'id' ? db.raw('CAST(id AS TEXT) AS id') : c)))
      .where({ id: id.toString() })
      .first()) as Record<string, unknown> | undefined;
  const rowOf = (snapshot: CampaignSnapshot) => bindable(toRow(snapshot));

  it('is stored exactly as the aggregate holds it, its name folded beside it, after any sequence of verbs and changes', async function () {
    this.timeout(propertyTimeoutMs(60_000));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const id = CampaignId.parse(String(++lastId));
        const created = Campaign.create(
          { id, name: 'Sale', status: 'scheduled', startAt: at(24), endAt: at(48), createdBy: 'alice' },
          now,
        );
        await unitOfWork.run((tx) => tx.campaigns.insert(created));
        let expected: CampaignSnapshot | undefined = created.snapshot();
        let clockHours = 0;
        for (const next of steps) {
          clockHours += next.hours;
          const outcome = await unitOfWork
            .run(async (tx) => {
              const campaign = (await tx.campaigns.find(id))!;
              const version = campaign.version;
              apply(campaign, next, clockHours);
              expect(await tx.campaigns.saveChange(campaign, version, campaign.pullEvents())).to.equal(true);
              return campaign.isDeleted ? undefined : campaign.snapshot();
            })
            .then(
              (snapshot) => ({ written: true as const, snapshot }),
              () => ({ written: false as const }),
            );
          if (outcome.written) expected = outcome.snapshot;
          const row = await storedRow(id);
          if (expected === undefined) {
            expect(row, `deleted by ${next.verb}`).to.equal(undefined);
            return;
          }
          expect(row, `after ${next.verb}`).to.deep.equal(rowOf(expected));
        }
      }),
      propertyParameters(150),
    );
  });
});
