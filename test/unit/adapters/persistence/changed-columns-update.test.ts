import { changedColumnsUpdate } from '../../../../src/adapters/persistence/sqlite/changed-columns-update.js';
import { expect } from '../../../support/expect.js';

const read = { id: '7', name: 'Sale', status: 'scheduled', started_at: null, created_at: 1, updated_at: 1, version: 1 };

describe('The UPDATE of a campaign read in the same transaction', () => {
  it('sets only the columns that differ from the row as read, and the version', () => {
    const started = { ...read, status: 'running', started_at: 5, updated_at: 5, version: 2 };
    expect(changedColumnsUpdate(read, started)).to.equal(
      'UPDATE campaigns SET status = @status, started_at = @started_at, updated_at = @updated_at, version = @version ' +
        'WHERE id = @id AND version = @expectedVersion',
    );
  });

  it('sets the version alone when nothing else changed, and keeps the version check', () => {
    expect(changedColumnsUpdate(read, { ...read, version: 2 })).to.equal(
      'UPDATE campaigns SET version = @version WHERE id = @id AND version = @expectedVersion',
    );
  });

  it('counts a value that became null, or stopped being null, as changed', () => {
    const sql = changedColumnsUpdate({ ...read, started_at: 5 }, { ...read, name: null });
    expect(sql).to.contain('name = @name').and.to.contain('started_at = @started_at');
  });

  it("sets the name's folded copy when the row written holds one, as a row with a new name does (toRow)", () => {
    const renamed = { ...read, name: 'SALE', name_folded: 'sale', version: 2 };
    expect(changedColumnsUpdate(read, renamed)).to.equal(
      'UPDATE campaigns SET name = @name, version = @version, name_folded = @name_folded ' +
        'WHERE id = @id AND version = @expectedVersion',
    );
    expect(changedColumnsUpdate(read, { ...read, name_folded: undefined, version: 2 })).not.to.contain('name_folded');
  });
});
