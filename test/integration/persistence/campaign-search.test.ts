import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { foldCase } from '../../../src/adapters/persistence/knex/case-folding.js';
import { KnexCampaignReader } from '../../../src/adapters/persistence/knex/knex-campaign-reader.js';
import { ONE_CHANGE } from '../../../src/application/index.js';
import { CampaignId } from '../../../src/domain/index.js';
import { aCampaign, hoursLater } from '../../mothers/campaign-mother.js';
import {
  type DatabaseKind,
  POSTGRES,
  POSTGRES_C_CTYPE,
  SQLITE,
  serviceUnitOfWork,
  useMigratedDatabase,
} from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';
import { partChoice, partInAnyCase, unicodeName } from '../../support/unicode-names.js';

/** Names and searches drawn from letters of both cases and every character LIKE treats specially. */
const text = (max: number) =>
  fc.string({ unit: fc.constantFrom('a', 'B', 'b', '%', '_', '\\', ' ', 'é'), maxLength: max });

const DATABASES: ReadonlyArray<{ kind: DatabaseKind; title: string }> = [
  { kind: SQLITE, title: 'SQLite' },
  { kind: POSTGRES, title: 'PostgreSQL' },
  { kind: POSTGRES_C_CTYPE, title: 'PostgreSQL, a database whose LC_CTYPE is C' },
];

/** Rows as this version writes them, their names folded beside them, and as a version before the folded names wrote them. */
const WRITERS = [
  { folded: true, title: 'written with their folded names' },
  { folded: false, title: 'written without their folded names, as a version before them did' },
];

for (const { kind, title } of DATABASES) {
  describe(`Searching campaigns by name (${title})`, () => {
    const migrated = useMigratedDatabase(kind);
    let db: Knex;
    before(() => {
      db = migrated();
    });

    /** The campaigns are drafts with these names, ids 1, 2, ... in that order, and no others. */
    async function storeOnly(names: string[], { folded } = { folded: true }): Promise<void> {
      await db('campaigns').delete();
      const now = new Date('2030-01-01T00:00:00Z');
      await db('campaigns').insert(
        names.map((name, i) => ({
          id: String(i + 1),
          name,
          name_folded: folded ? foldCase(name) : null,
          status: 'draft',
          created_at: now,
          created_by: 'property',
          updated_at: now,
          version: 1,
        })),
      );
    }

    /** The names a search finds among those stored by `storeOnly`: those holding it folded, or by their id. */
    const holding = (names: string[], search: string) => {
      const term = search.trim();
      return names.filter((name, i) => foldCase(name).includes(foldCase(term)) || String(i + 1) === term);
    };

    for (const writer of WRITERS) {
      it(`finds exactly the names that contain the search text, ignoring the case of letters A to Z (${writer.title})`, async () => {
        const reader = new KnexCampaignReader(db);
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              text(8).filter((n) => n.trim() !== ''),
              { minLength: 1, maxLength: 6 },
            ),
            text(3),
            async (names, search) => {
              await storeOnly(names, writer);
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
    }

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

    it("finds a name drawn from all of Unicode by any part of it in any case, letters newer than the database's tables included, and only the names holding it", async () => {
      const reader = new KnexCampaignReader(db);
      await fc.assert(
        fc.asyncProperty(
          fc.array(unicodeName(10), { minLength: 1, maxLength: 6 }),
          fc.nat(),
          partChoice,
          async (names, which, choice) => {
            await storeOnly(names);
            const searched = which % names.length;
            const search = partInAnyCase(names[searched]!, choice);
            const page = await reader.list({ offset: 0, limit: 100, order: 'id', search });
            const found = page.campaigns.map((c) => c.id.toString());
            expect(found, `${names[searched]} by ${search}`).to.include(String(searched + 1));
            expect(page.campaigns.map((c) => c.name)).to.deep.equal(holding(names, search));
          },
        ),
        propertyParameters(100),
      );
    });

    it("finds ÉLAN vital by élan and ΟΔΟΣ by οδοσ, whatever the database's locale", async () => {
      await storeOnly(['ÉLAN vital', 'Elan', 'ΟΔΟΣ', 'İstanbul', '\uA7CB\u1C89']);
      const reader = new KnexCampaignReader(db);
      const names = async (search: string) =>
        (await reader.list({ offset: 0, limit: 100, order: 'id', search })).campaigns.map((c) => c.name);
      expect(await names('élan')).to.deep.equal(['ÉLAN vital']);
      expect(await names('οδοσ')).to.deep.equal(['ΟΔΟΣ']);
      expect(await names('istanbul')).to.deep.equal(['İstanbul']);
      expect(await names('\u0264\u1C8A')).to.deep.equal(['\uA7CB\u1C89']);
    });

    it('finds a campaign by the name a modify gave it, and no longer by the one it had, whichever unit wrote it', async function () {
      this.timeout(60_000);
      const unitOfWork = serviceUnitOfWork(kind, db);
      const reader = new KnexCampaignReader(db);
      let lastId = 1_000;
      const rename = fc.record({ name: unicodeName(8), alone: fc.boolean(), thenDescribed: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(fc.array(rename, { minLength: 1, maxLength: 4 }), async (renames) => {
          const id = CampaignId.parse(String(++lastId));
          await unitOfWork.run((tx) => tx.campaigns.insert(aCampaign({ id, name: 'Ω', status: 'draft' })));
          const change = (changes: { name?: string; description?: string }, alone: boolean) =>
            unitOfWork.run(
              async (tx) => {
                const campaign = (await tx.campaigns.find(id))!;
                const version = campaign.version;
                campaign.modify(changes, { now: hoursLater(1), eventId: randomUUID(), by: 'alice' });
                expect(await tx.campaigns.saveChange(campaign, version, campaign.pullEvents())).to.equal(true);
              },
              alone ? ONE_CHANGE : undefined,
            );
          for (const { name, alone, thenDescribed } of renames) {
            await change({ name }, alone);
            // A change that keeps the name writes no folded name, and leaves the one written in place.
            if (thenDescribed) await change({ description: randomUUID() }, !alone);
          }
          const name = renames[renames.length - 1]!.name;
          const stored = await db('campaigns').where('id', id.toString()).first('name', 'name_folded');
          expect(stored).to.deep.equal({ name, name_folded: foldCase(name) });
          const foundBy = async (search: string) =>
            (await reader.list({ offset: 0, limit: 100, order: 'newest', search })).campaigns.map((c) =>
              c.id.toString(),
            );
          expect(await foundBy(name), name).to.include(id.toString());
          for (const former of renames.map((r) => r.name)) {
            if (foldCase(name).includes(foldCase(former.trim())) || CampaignId.isCanonical(former.trim())) continue;
            expect(await foundBy(former), `${former}, now ${name}`).not.to.include(id.toString());
          }
        }),
        propertyParameters(25),
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
