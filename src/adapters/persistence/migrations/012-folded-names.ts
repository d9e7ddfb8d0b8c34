import type { Knex } from 'knex';
import { fillFoldedNames } from './folded-name-fill.js';

/**
 * `campaigns.name_folded`: each name folded in JavaScript (`case-folding.ts`), which the list's search matches
 * instead of folding every name in SQL. Nullable: a version before it, still running during an upgrade, writes
 * campaigns without it, and the search folds those names in SQL as that version did.
 *
 * Run outside a transaction, so campaigns stay readable and writable while the names are folded: the column is
 * added, then filled a batch at a time. A migration stopped half way is run again from where it stopped.
 */
export const foldedNames: Knex.Migration & { config: { transaction: boolean } } = {
  config: { transaction: false },
  async up(db) {
    if (!(await db.schema.hasColumn('campaigns', 'name_folded'))) {
      await db.schema.alterTable('campaigns', (t) => {
        t.text('name_folded').nullable();
      });
    }
    await fillFoldedNames(db);
  },
  async down(db) {
    await db.schema.alterTable('campaigns', (t) => {
      t.dropColumn('name_folded');
    });
  },
};
