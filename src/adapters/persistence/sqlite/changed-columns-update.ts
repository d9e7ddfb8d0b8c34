import { WRITTEN_CAMPAIGN_COLUMNS } from '../rows/campaign-rows.js';

const UPDATABLE = WRITTEN_CAMPAIGN_COLUMNS.filter((column) => column !== 'id');
const statementsByColumns = new Map<number, string>();

/**
 * The version-checked UPDATE of a campaign that sets only the columns whose value differs from the row as it was
 * read (and the version, always): SQLite rewrites the entry of every index whose column a statement sets, even to
 * the same value, so setting every column costs an index rewrite for each unchanged indexed column. The version
 * check makes this exact: the UPDATE matches only while the row is still the one read, so the row it leaves is
 * `after`, column for column. Both rows are in their bound form (times as epoch milliseconds). The row as read holds
 * no folded name, and `after` holds one only with a new name (`toRow`): the copy is set with a new name alone.
 */
export function changedColumnsUpdate(before: Record<string, unknown>, after: Record<string, unknown>): string {
  let columns = 0;
  for (let i = 0; i < UPDATABLE.length; i++) {
    const column = UPDATABLE[i]!;
    if (column === 'version' || before[column] !== after[column]) columns |= 1 << i;
  }
  let sql = statementsByColumns.get(columns);
  if (sql === undefined) {
    const assignments = UPDATABLE.filter((_, i) => (columns & (1 << i)) !== 0).map(
      (column) => `${column} = @${column}`,
    );
    sql = `UPDATE campaigns SET ${assignments.join(', ')} WHERE id = @id AND version = @expectedVersion`;
    statementsByColumns.set(columns, sql);
  }
  return sql;
}
