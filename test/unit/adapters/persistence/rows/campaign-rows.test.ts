import fc from 'fast-check';
import { type CampaignRow, toSnapshot } from '../../../../../src/adapters/persistence/rows/campaign-rows.js';
import { CampaignStateImpossible } from '../../../../../src/domain/index.js';
import { expect } from '../../../../support/expect.js';
import { propertyParameters } from '../../../../support/property-runs.js';

const NOW = Date.UTC(2030, 0, 1);

function row(overrides: Partial<CampaignRow> = {}): CampaignRow {
  return {
    id: '42',
    name: 'Spring sale',
    description: null,
    status: 'scheduled',
    start_at: NOW + 60_000,
    end_at: NOW + 120_000,
    started_at: null,
    zone: null,
    paused_at: null,
    terminated_at: null,
    completed_at: null,
    updated_by: null,
    created_at: NOW,
    created_by: 'tester',
    updated_at: NOW,
    version: 1,
    content: null,
    ...overrides,
  };
}

const TIME_COLUMNS = [
  ['start_at', 'startAt'],
  ['end_at', 'endAt'],
  ['started_at', 'startedAt'],
  ['paused_at', 'pausedAt'],
  ['terminated_at', 'terminatedAt'],
  ['completed_at', 'completedAt'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
] as const;

/** What a time column may hold that names no instant: text in SQLite, PostgreSQL's ±infinity, numbers past a date's range. */
const notAnInstant = fc.oneof(
  fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e20, -1e20, ''),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.string(),
  fc.double({ min: 8.64e15, noNaN: true }).filter((n) => n > 8.64e15),
  fc.constant(new Date(Number.NaN)),
);

describe('A campaign row read back', () => {
  it('reads the times the drivers hand back: epoch milliseconds (SQLite) and dates (PostgreSQL)', () => {
    const fromSqlite = toSnapshot(row({ start_at: NOW + 60_000 }));
    const fromPostgres = toSnapshot(row({ start_at: new Date(NOW + 60_000) }));
    expect(fromSqlite.startAt).to.deep.equal(new Date(NOW + 60_000));
    expect(fromPostgres.startAt).to.deep.equal(new Date(NOW + 60_000));
  });

  it('reads every time from before 1970 to the last date a campaign may hold', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TIME_COLUMNS),
        fc.integer({ min: -62_135_596_800_000, max: 253_402_250_399_999 }),
        ([column, field], ms) => {
          expect(toSnapshot(row({ [column]: ms }))[field]).to.deep.equal(new Date(ms));
        },
      ),
      propertyParameters(200),
    );
  });

  it('refuses a stored time that names no instant as an unreadable campaign, naming the field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TIME_COLUMNS), notAnInstant, ([column, field], stored) => {
        const read = () => toSnapshot(row({ [column]: stored }));
        expect(read)
          .to.throw(CampaignStateImpossible)
          .with.property('violations')
          .that.deep.equals([{ field, message: 'is not an instant' }]);
      }),
      propertyParameters(200),
    );
  });
});
