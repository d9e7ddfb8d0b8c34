import type { Knex } from 'knex';
import { KnexRelayLease } from '../../../src/adapters/persistence/knex/knex-relay-lease.js';
import { DATABASE_KINDS, useMigratedDatabase } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';

const LONG_MS = 60_000;

for (const kind of DATABASE_KINDS) {
  describe(`The relay lease in the database (${kind.name})`, () => {
    const migrated = useMigratedDatabase(kind);
    let db: Knex;
    before(() => {
      db = migrated();
    });
    beforeEach(() => db('relay_lease').update({ holder: null, acquired_at: null, expires_at: null }));

    const lease = (holder: string, ttlMs = LONG_MS) => new KnexRelayLease(db, holder, ttlMs);
    const holder = async () =>
      ((await db('relay_lease').where('name', 'outbox').first()) as { holder: string | null }).holder;

    it('gives a free lease to the first relay that asks, and not to a second one', async () => {
      expect(await lease('a').acquire()).to.equal(true);
      expect(await lease('b').acquire()).to.equal(false);
      expect(await holder()).to.equal('a');
    });

    it('keeps the lease with its holder each time it renews it', async () => {
      const a = lease('a');
      for (let renewal = 0; renewal < 3; renewal++) expect(await a.acquire()).to.equal(true);
      expect(await lease('b').acquire()).to.equal(false);
    });

    it('gives the lease to exactly one of 20 relays asking at once', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => lease(`relay-${n}`).acquire()));
      expect(answers.filter(Boolean)).to.have.length(1);
      expect(await holder()).to.equal(`relay-${answers.indexOf(true)}`);
    });

    it('lets another relay take the lease once its holder stopped renewing it for longer than its time to live', async () => {
      expect(await lease('a', 300).acquire()).to.equal(true);
      expect(await lease('b', 300).acquire()).to.equal(false);
      await eventually('b takes the expired lease', () => lease('b', 300).acquire(), {
        timeoutMs: 5_000,
        intervalMs: 50,
      });
      expect(await holder()).to.equal('b');
      expect(await lease('a', 300).acquire()).to.equal(false);
    });

    it('frees the lease at once when its holder releases it', async () => {
      const a = lease('a');
      expect(await a.acquire()).to.equal(true);
      await a.release();
      expect(await holder()).to.equal(null);
      expect(await lease('b').acquire()).to.equal(true);
    });

    it('ignores a release by a relay that does not hold the lease', async () => {
      expect(await lease('a').acquire()).to.equal(true);
      await lease('b').release();
      expect(await holder()).to.equal('a');
    });

    it('keeps the time its holder took it, and moves the expiry on at each renewal', async () => {
      const a = lease('a');
      await a.acquire();
      const first = await db('relay_lease').where('name', 'outbox').first();
      await eventually('the database clock moved on', async () => {
        await a.acquire();
        const now = await db('relay_lease').where('name', 'outbox').first();
        return new Date(now.expires_at).getTime() > new Date(first.expires_at).getTime();
      });
      const renewed = await db('relay_lease').where('name', 'outbox').first();
      expect(new Date(renewed.acquired_at).getTime()).to.equal(new Date(first.acquired_at).getTime());
    });
  });
}
