import type { Knex } from 'knex';
import { foldCase } from '../knex/case-folding.js';

const BATCH = 1_000;

/** A campaign's id (decimal text), its name as read and that name folded. */
type FoldedName = [id: string, name: string, folded: string];

/**
 * Writes the folded name (`foldCase`) of every campaign that has none, a batch of campaigns at a time in id order,
 * each batch one statement. A campaign renamed between its read and its write keeps none, so a search folds its
 * name in SQL instead: a fold of a name it no longer has is never written.
 */
export async function fillFoldedNames(db: Knex): Promise<number> {
  let filled = 0;
  let after: string | undefined;
  for (;;) {
    const rows: Array<{ id: string; name: string }> = await db('campaigns')
      .select(db.raw('CAST(id AS TEXT) AS id'), 'name')
      .whereNull('name_folded')
      .modify((query) => {
        if (after !== undefined) query.where('campaigns.id', '>', after);
      })
      .orderBy('campaigns.id')
      .limit(BATCH);
    if (rows.length === 0) return filled;
    await writeFoldedNames(
      db,
      rows.map((row): FoldedName => [row.id, row.name, foldCase(row.name)]),
    );
    filled += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}

function writeFoldedNames(db: Knex, names: FoldedName[]): Promise<unknown> {
  if (db.client.config.client === 'pg') {
    return db.raw(
      `UPDATE campaigns AS c SET name_folded = f.folded
        FROM unnest(?::bigint[], ?::text[], ?::text[]) AS f (id, name, folded)
        WHERE c.id = f.id AND c.name = f.name AND c.name_folded IS NULL`,
      [names.map(([id]) => id), names.map(([, name]) => name), names.map(([, , folded]) => folded)],
    );
  }
  return db.raw(
    `UPDATE campaigns SET name_folded = json_extract(f.value, '$[2]')
      FROM json_each(?) AS f
      WHERE campaigns.id = CAST(json_extract(f.value, '$[0]') AS INTEGER)
        AND campaigns.name = json_extract(f.value, '$[1]') AND campaigns.name_folded IS NULL`,
    [JSON.stringify(names)],
  );
}
