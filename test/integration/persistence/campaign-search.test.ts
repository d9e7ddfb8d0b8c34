import fc from 'fast-check';
import type { Knex } from 'knex';
import { KnexCampaignReader } from '../../../src/adapters/persistence/knex/knex-campaign-reader.js';
import { DATABASE_KINDS, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

/** Names and searches drawn from letters of both cases and every character LIKE treats specially. */
const text = (max: number) =>
  fc.string({ unit: fc.constantFrom('a', 'B', 'b', '%', '_', '\\', ' ', 'é'), maxLength: max });

for (const kind of DATABASE_KINDS) {
  describe(`Searching campaigns by name (${kind.name})`, () => {
    const migrated = useMigratedDatabase(kind);
    let db: Knex;
    before(() => {
      db = migrated();
    });

    /** The campaigns are drafts with these names, ids 1, 2, ... in that order, and no others. */
    async function storeOnly(names: string[]): Promise<void> {
      await db('campaigns').delete();
      const now = new Date('2030-01-01T00:00:00Z');
      await db('campaigns').insert(
        names.map((name, i) => ({
          id: String(i + 1),
          name,
          status: 'draft',
          created_at: now,
          created_by: 'property',
          updated_at: now,
          version: 1,
        })),
      );
    }

    it('finds exactly the names that contain the search text, ignoring the case of letters A to Z', async () => {
      const reader = new KnexCampaignReader(db);
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            text(8).filter((n) => n.trim() !== ''),
            { minLength: 1, maxLength: 6 },
          ),
          text(3),
          async (names, search) => {
            await storeOnly(names);
            const page = await reader.list({ offset: 0, limit: 100, order: 'id', search });
            const expected =
              search.trim() === ''
                ? names
                : names.filter((name) => asciiLower(name).includes(asciiLower(search.trim())));
            expect(page.campaigns.map((c) => c.name)).to.deep.equal(expected);
            expect(page.total).to.equal(expected.length);
          },
        ),
        propertyParameters(60),
      );
    });

    it('finds a name by any part of it in any mix of cases, final sigma and dotted capital I included, on both databases alike', async () => {
      const reader = new KnexCampaignReader(db);
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            letters(6).filter((n) => n.trim() !== ''),
            { minLength: 1, maxLength: 6 },
          ),
          letters(3),
          async (names, search) => {
            await storeOnly(names);
            const page = await reader.list({ offset: 0, limit: 100, order: 'id', search });
            const expected =
              search.trim() === '' ? names : names.filter((name) => sameCase(name).includes(sameCase(search.trim())));
            expect(page.campaigns.map((c) => c.name)).to.deep.equal(expected);
          },
        ),
        propertyParameters(60),
      );
    });
  });
}

/**
 * Letters whose lower case depends on where they stand or takes two characters in JavaScript's full mapping: Σ
 * reads ς at the end of a word and σ elsewhere, İ reads i followed by a combining dot; ı is a letter of its own.
 */
const letters = (max: number) =>
  fc.string({ unit: fc.constantFrom('Σ', 'σ', 'ς', 'İ', 'I', 'i', 'ı', 'A', 'a', ' '), maxLength: max });

/** The letters of `letters` that a search takes as one: Σ, σ and ς; İ, I and i; A and a. */
function sameCase(text: string): string {
  const one: Record<string, string> = { Σ: 'σ', ς: 'σ', İ: 'i', I: 'i', A: 'a' };
  return [...text].map((c) => one[c] ?? c).join('');
}

/** SQLite's LOWER() folds only A to Z; PostgreSQL's folds more, but the generated names use only ASCII letters for case. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
